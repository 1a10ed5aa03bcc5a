package application

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/emersion/go-message"
	"golang.org/x/text/encoding/charmap"

	"github.com/bankflow/bankflow/domain"
)

// Bounds on what one e-mail may make BankFlow do.
const (
	maxMIMEDepth    = 8   // nesting of multiparts and forwarded messages
	maxMIMEParts    = 200 // leaf parts looked at
	maxStatements   = 20  // statements taken from one message
	maxZipEntries   = 50  // entries of one zip attachment
	maxZipExpansion = 100 // uncompressed / compressed ratio of an entry
)

// attachment is one file found in an e-mail that looks like a statement.
type attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// mailContent is what the walk over a message found.
type mailContent struct {
	Statements []attachment
	Refused    []domain.EmailFile // attachments that are not statements BankFlow reads, with the reason
	Malformed  bool               // part of the MIME structure could not be read
}

// mailWalker collects the statements of one message.
type mailWalker struct {
	maxBytes int64 // largest attachment read
	parts    int
	out      mailContent
}

// walk visits e and its children: multiparts, forwarded messages
// (message/rfc822) and leaf parts.
func (w *mailWalker) walk(e *message.Entity, depth int) {
	if depth > maxMIMEDepth || w.parts > maxMIMEParts {
		w.out.Malformed = true
		return
	}
	mediaType, _, _ := e.Header.ContentType()
	mediaType = strings.ToLower(mediaType)
	if mr := e.MultipartReader(); mr != nil {
		if mediaType == "multipart/report" {
			return // a delivery report (bounce): never a statement
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) || p == nil {
				w.out.Malformed = true
				return
			}
			w.walk(p, depth+1)
		}
	}
	w.parts++
	name := partFilename(e.Header)
	if mediaType == "message/rfc822" || mediaType == "message/global" {
		inner, err := message.Read(e.Body)
		if err != nil && inner == nil {
			w.out.Malformed = true
			return
		}
		w.walk(inner, depth+1)
		return
	}
	disp, _, _ := e.Header.ContentDisposition()
	if name == "" && (strings.HasPrefix(mediaType, "text/") || mediaType == "" || strings.EqualFold(disp, "inline") && !strings.HasPrefix(mediaType, "application/")) {
		return // the message text, or an inline image of a signature
	}
	data, err := io.ReadAll(io.LimitReader(e.Body, w.maxBytes+1))
	if err != nil {
		w.out.Malformed = true
		w.refuse(name, "Não foi possível decodificar este anexo (codificação inválida). Anexe o arquivo de novo e reenvie.")
		return
	}
	w.consider(name, mediaType, data, false)
}

// consider sorts one file into statements, refused files or ignored ones.
func (w *mailWalker) consider(name, mediaType string, data []byte, inZip bool) {
	if int64(len(data)) > w.maxBytes {
		w.refuse(name, fmt.Sprintf("O arquivo passa do limite de %s. Divida o extrato em períodos menores e envie de novo.", sizeLabel(w.maxBytes)))
		return
	}
	switch classify(name, mediaType, data) {
	case kindIgnore:
	case kindPDF:
		w.refuse(name, "Extratos em PDF ainda não são lidos. Exporte o extrato em OFX, CSV ou XLSX no internet banking e envie de novo.")
	case kindZip:
		if inZip {
			w.refuse(name, "Arquivos ZIP dentro de ZIP não são abertos. Envie os extratos diretamente ou em um único ZIP.")
			return
		}
		w.unzip(name, data)
	case kindStatement:
		if len(w.out.Statements) >= maxStatements {
			w.refuse(name, fmt.Sprintf("Cada e-mail pode trazer até %d extratos. Envie os demais em outro e-mail.", maxStatements))
			return
		}
		if name == "" {
			name = "extrato"
		}
		w.out.Statements = append(w.out.Statements, attachment{Filename: name, ContentType: mediaType, Data: data})
	default:
		if name != "" {
			w.refuse(name, "Este anexo não é um extrato em formato aceito (OFX, CSV, TXT, XLSX, XLS ou CNAB 240).")
		}
	}
}

// unzip considers each entry of a zip attachment, within bounds on the
// number of entries and their sizes.
func (w *mailWalker) unzip(name string, data []byte) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		w.refuse(name, "O arquivo ZIP está corrompido. Compacte os extratos de novo e reenvie.")
		return
	}
	if len(zr.File) > maxZipEntries {
		w.refuse(name, fmt.Sprintf("O arquivo ZIP tem %d arquivos; o limite é %d. Envie os extratos em partes.", len(zr.File), maxZipEntries))
		return
	}
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || strings.HasPrefix(path.Base(f.Name), ".") || strings.HasPrefix(f.Name, "__MACOSX/") {
			continue
		}
		entry := path.Base(strings.ReplaceAll(f.Name, "\\", "/"))
		size := int64(f.UncompressedSize64)
		if f.UncompressedSize64 > uint64(w.maxBytes) || size > int64(f.CompressedSize64+1)*maxZipExpansion || total+size > w.maxBytes {
			w.refuse(entry, fmt.Sprintf("O arquivo descompactado passa do limite de %s. Envie o extrato sem compactar ou em períodos menores.", sizeLabel(w.maxBytes)))
			continue
		}
		rc, err := f.Open()
		if err != nil {
			w.refuse(entry, "Não foi possível abrir este arquivo dentro do ZIP. Compacte de novo e reenvie.")
			continue
		}
		// The declared size may lie: read at most what it announced.
		b, err := io.ReadAll(io.LimitReader(rc, size+1))
		_ = rc.Close()
		if err != nil || int64(len(b)) > size {
			w.refuse(entry, "Não foi possível abrir este arquivo dentro do ZIP. Compacte de novo e reenvie.")
			continue
		}
		total += int64(len(b))
		w.consider(entry, "", b, true)
	}
}

func (w *mailWalker) refuse(name, reason string) {
	if name == "" {
		name = "anexo sem nome"
	}
	w.out.Refused = append(w.out.Refused, domain.EmailFile{Filename: name, Error: reason})
}

// fileKind is what an attachment is to BankFlow.
type fileKind int

const (
	kindOther fileKind = iota
	kindIgnore
	kindStatement
	kindZip
	kindPDF
)

var statementExt = map[string]bool{
	".ofx": true, ".qfx": true, ".csv": true, ".txt": true, ".xlsx": true, ".xls": true,
	".ret": true, ".rem": true, ".cnab": true, ".240": true, ".tsv": true,
}

var ignoredExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".webp": true, ".svg": true, ".ico": true,
	".p7s": true, ".asc": true, ".sig": true, ".ics": true, ".vcf": true, ".eml": false, ".htm": true, ".html": true,
	".dat": true, // winmail.dat
}

// classify judges a file by its content first and its name second: a
// signature image named .csv is still an image, a statement saved as
// "extrato" without an extension is still a statement.
func classify(name, mediaType string, data []byte) fileKind {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case len(data) == 0:
		return kindIgnore
	case bytes.HasPrefix(data, []byte("%PDF")):
		return kindPDF
	case isImage(data) || strings.HasPrefix(mediaType, "image/"):
		return kindIgnore
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if ext == ".xlsx" || ext == ".xlsm" || bytes.Contains(data[:min(len(data), 4096)], []byte("[Content_Types].xml")) && ext != ".zip" {
			return kindStatement
		}
		return kindZip
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return kindStatement // legacy .xls
	case ignoredExt[ext] || strings.Contains(mediaType, "pkcs7-signature") || mediaType == "text/calendar" || mediaType == "text/vcard":
		return kindIgnore
	case statementExt[ext]:
		return kindStatement
	case looksLikeOFX(data):
		return kindStatement
	case looksText(data) && (name != "" || strings.Contains(mediaType, "csv")):
		return kindStatement
	}
	return kindOther
}

func isImage(b []byte) bool {
	return bytes.HasPrefix(b, []byte("\x89PNG")) || bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) ||
		bytes.HasPrefix(b, []byte("GIF8")) || bytes.HasPrefix(b, []byte("BM")) && len(b) > 14 && ext14(b) ||
		len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// ext14 is a weak check of a BMP header: its size field matches.
func ext14(b []byte) bool {
	size := int(b[2]) | int(b[3])<<8 | int(b[4])<<16 | int(b[5])<<24
	return size == len(b)
}

func looksLikeOFX(b []byte) bool {
	head := bytes.ToUpper(b[:min(len(b), 1024)])
	return bytes.Contains(head, []byte("OFXHEADER")) || bytes.Contains(head, []byte("<OFX>"))
}

// looksText reports whether the start of b has no control bytes but line
// breaks and tabs (any 8-bit encoding passes).
func looksText(b []byte) bool {
	for _, c := range b[:min(len(b), 2048)] {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1A {
			return false
		}
	}
	return true
}

// partFilename returns the decoded file name of a part: RFC 2231
// parameters (filename*=UTF-8”...) and RFC 2047 encoded words, in
// Content-Disposition or, failing that, the name of Content-Type. Windows
// mailers' windows-1252 words are decoded too.
func partFilename(h message.Header) string {
	name := ""
	if _, params, err := h.ContentDisposition(); err == nil || params != nil {
		name = params["filename"]
	}
	if name == "" {
		if _, params, err := h.ContentType(); err == nil || params != nil {
			name = params["name"]
		}
	}
	if strings.Contains(name, "=?") {
		dec := mime.WordDecoder{CharsetReader: legacyCharset}
		if s, err := dec.DecodeHeader(name); err == nil {
			name = s
		}
	}
	if name = strings.TrimSpace(name); name == "" {
		return ""
	}
	return path.Base(strings.ReplaceAll(name, "\\", "/"))
}

// legacyCharset decodes the 8-bit charsets Brazilian mailers still use.
func legacyCharset(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	case "iso-8859-15", "latin-9":
		return charmap.ISO8859_15.NewDecoder().Reader(r), nil
	case "iso-8859-1", "latin1":
		return charmap.ISO8859_1.NewDecoder().Reader(r), nil
	}
	return nil, fmt.Errorf("unknown charset %q", charset)
}
