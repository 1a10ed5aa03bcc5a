package application

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/bankflow/bankflow/domain"
)

// ExportArchive writes, as a zip, everything BankFlow keeps about the user
// (LGPD portability): dados.json (profile, jobs and their transactions),
// one workbook per completed job under planilhas/, and the input files still
// retained under arquivos/. Errors: CodeUnavailable when storage fails.
func (p *Privacy) ExportArchive(ctx context.Context, u *domain.User, w io.Writer) error {
	if u == nil {
		return domain.Errorf(domain.CodeUnauthorized, msgSessionInvalid)
	}
	s := p.jobs
	// dados.json first, built in memory: ExportUserData audits the export.
	var data bytes.Buffer
	if err := s.ExportUserData(ctx, u, &data); err != nil {
		return err
	}
	jobs, err := s.allJobs(ctx, u.ID)
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	if err := writeZipEntry(z, "dados.json", &data); err != nil {
		return err
	}
	_, xlsxErr := s.d.Statements.Exporter(domain.ExportXLSX)
	for i := range jobs {
		j := &jobs[i]
		if j.Status == domain.JobCompleted && xlsxErr == nil {
			stmts, err := s.rebuild(ctx, j)
			if err != nil {
				return err
			}
			fw, err := z.Create("planilhas/" + j.ID + ".xlsx")
			if err != nil {
				return fmt.Errorf("zip workbook: %w", err)
			}
			if err := s.d.Statements.Export(ctx, fw, domain.ExportXLSX, stmts); err != nil {
				return err
			}
		}
		if j.InputFileID == "" || j.FileDeletedAt != nil {
			continue
		}
		rc, err := s.d.Files.Open(ctx, j.InputFileID)
		if errors.Is(err, domain.ErrNotFound) {
			continue // swept meanwhile
		}
		if err != nil {
			return unavailable(err)
		}
		err = writeZipEntry(z, "arquivos/"+j.ID+"-"+zipSafe(j.OriginalFilename), rc)
		_ = rc.Close()
		if err != nil {
			return err
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("close zip: %w", err)
	}
	return nil
}

func writeZipEntry(z *zip.Writer, name string, r io.Reader) error {
	fw, err := z.Create(name)
	if err != nil {
		return fmt.Errorf("zip %s: %w", name, err)
	}
	if _, err := io.Copy(fw, r); err != nil {
		return fmt.Errorf("zip %s: %w", name, err)
	}
	return nil
}

// zipSafe keeps a stored file name usable inside a zip: no directories.
func zipSafe(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" || name == ".." {
		return "extrato"
	}
	return name
}
