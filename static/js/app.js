// BankFlow page behaviour. Loaded before Alpine (CSP build): components are
// registered with Alpine.data, and nothing here needs eval or inline code.
(function () {
  'use strict';

  function csrfToken() {
    return document.body ? document.body.getAttribute('data-csrf') || '' : '';
  }

  function formatSize(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1).replace('.', ',') + ' MB';
    return Math.max(1, Math.round(n / 1024)) + ' KB';
  }

  // messageOf extracts the pt-BR text of an error fragment (or plain text).
  function messageOf(xhr) {
    var text = xhr.responseText || '';
    if (text.indexOf('<') >= 0) {
      var doc = new DOMParser().parseFromString(text, 'text/html');
      var p = doc.querySelector('.error-message p');
      if (p) return p.textContent.trim();
    }
    if (text && text.length < 300) return text.trim();
    if (xhr.status === 0) return 'Falha de conexão: verifique a internet e tente de novo.';
    return 'Não foi possível enviar o arquivo (erro ' + xhr.status + ').';
  }

  // addRow inserts (or replaces) a job row returned by POST /upload and lets
  // htmx wire its polling.
  function addRow(html) {
    var tbody = document.querySelector('#upload-jobs tbody');
    if (!tbody) return;
    var tpl = document.createElement('template');
    tpl.innerHTML = html.trim();
    var row = tpl.content.firstElementChild;
    if (!row) return;
    var old = tbody.querySelector('tr[data-job-id="' + row.getAttribute('data-job-id') + '"]');
    if (old) {
      old.replaceWith(row);
    } else {
      tbody.insertBefore(row, tbody.firstChild);
    }
    if (window.htmx) window.htmx.process(row);
  }

  function uploader() {
    return {
      maxBytes: 0,
      maxLabel: '',
      queue: [],
      busy: false,

      init: function () {
        var self = this;
        var root = this.$el;
        this.maxBytes = parseInt(root.getAttribute('data-max-bytes'), 10) || 0;
        this.maxLabel = root.getAttribute('data-max-label') || '';
        var zone = root.querySelector('#dropzone');
        var input = root.querySelector('#file-input');
        input.addEventListener('change', function () {
          self.addFiles(input.files);
          input.value = '';
        });
        ['dragenter', 'dragover'].forEach(function (t) {
          zone.addEventListener(t, function (e) {
            e.preventDefault();
            zone.classList.add('border-brand-500', 'bg-brand-50');
          });
        });
        ['dragleave', 'drop'].forEach(function (t) {
          zone.addEventListener(t, function (e) {
            e.preventDefault();
            zone.classList.remove('border-brand-500', 'bg-brand-50');
          });
        });
        zone.addEventListener('drop', function (e) {
          if (e.dataTransfer && e.dataTransfer.files) self.addFiles(e.dataTransfer.files);
        });
      },

      addFiles: function (files) {
        for (var i = 0; i < files.length; i++) {
          var item = this.progressItem(files[i]);
          if (this.maxBytes && files[i].size > this.maxBytes) {
            this.finish(item, false, 'Arquivo grande demais: ' + formatSize(files[i].size) +
              '. O limite do seu plano é ' + this.maxLabel + ' por arquivo.');
            continue;
          }
          this.queue.push({ file: files[i], item: item });
        }
        this.next();
      },

      // progressItem adds the per-file line with its progress bar.
      progressItem: function (file) {
        var li = document.createElement('li');
        li.className = 'upload-item rounded-md border border-slate-200 bg-white px-3 py-2 text-sm';
        li.setAttribute('data-file', file.name);
        li.setAttribute('data-state', 'waiting');
        var name = document.createElement('div');
        name.className = 'flex justify-between gap-2';
        var strong = document.createElement('span');
        strong.className = 'font-medium break-all';
        strong.textContent = file.name;
        var size = document.createElement('span');
        size.className = 'text-slate-600 whitespace-nowrap';
        size.textContent = formatSize(file.size);
        name.appendChild(strong);
        name.appendChild(size);
        var bar = document.createElement('progress');
        bar.max = 100;
        bar.value = 0;
        bar.setAttribute('aria-label', 'Envio de ' + file.name);
        bar.className = 'mt-1 block h-1.5 w-full overflow-hidden rounded [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-brand-600 [&::-moz-progress-bar]:bg-brand-600';
        var msg = document.createElement('p');
        msg.className = 'upload-message mt-1 text-xs text-slate-600';
        msg.textContent = 'Aguardando envio...';
        li.appendChild(name);
        li.appendChild(bar);
        li.appendChild(msg);
        this.$el.querySelector('#upload-progress').appendChild(li);
        return li;
      },

      finish: function (item, ok, text) {
        item.setAttribute('data-state', ok ? 'sent' : 'error');
        var msg = item.querySelector('.upload-message');
        msg.textContent = text;
        msg.className = 'upload-message mt-1 text-xs ' + (ok ? 'text-green-800' : 'text-red-800 font-semibold');
        if (!ok) item.setAttribute('role', 'alert');
        var bar = item.querySelector('progress');
        if (ok) bar.value = 100; else bar.remove();
      },

      // next sends the queued files one by one.
      next: function () {
        if (this.busy || this.queue.length === 0) return;
        var self = this;
        var job = this.queue.shift();
        var item = job.item;
        var bar = item.querySelector('progress');
        this.busy = true;
        item.setAttribute('data-state', 'sending');
        item.querySelector('.upload-message').textContent = 'Enviando...';
        var form = new FormData();
        // The bank field goes first: the server reads it before the file.
        var bank = document.getElementById('bank-select');
        if (bank && bank.value) form.append('bank', bank.value);
        form.append('file', job.file, job.file.name);
        var xhr = new XMLHttpRequest();
        xhr.open('POST', '/upload');
        xhr.setRequestHeader('X-CSRF-Token', csrfToken());
        xhr.setRequestHeader('HX-Request', 'true');
        xhr.upload.addEventListener('progress', function (e) {
          if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total);
        });
        xhr.addEventListener('loadend', function () {
          if (xhr.status === 202 || xhr.status === 200) {
            addRow(xhr.responseText);
            self.finish(item, true, xhr.getResponseHeader('X-Duplicate') === 'true'
              ? 'Este arquivo já tinha sido enviado: mostramos o processamento existente.'
              : 'Enviado. Acompanhe o processamento na tabela abaixo.');
          } else if (xhr.status === 401 && xhr.getResponseHeader('HX-Redirect')) {
            window.location.href = xhr.getResponseHeader('HX-Redirect');
            return;
          } else {
            self.finish(item, false, messageOf(xhr));
          }
          self.busy = false;
          self.next();
        });
        xhr.send(form);
      }
    };
  }

  function navToggle() {
    return {
      open: false,
      toggle: function () { this.open = !this.open; }
    };
  }

  function copyToken() {
    return {
      label: 'Copiar',
      copy: function () {
        var self = this;
        var el = this.$root.querySelector('[data-secret]');
        if (!el || !navigator.clipboard) {
          self.label = 'Selecione e copie';
          return;
        }
        navigator.clipboard.writeText(el.textContent.trim()).then(function () {
          self.label = 'Copiado!';
        }, function () {
          self.label = 'Selecione e copie';
        });
      }
    };
  }

  document.addEventListener('alpine:init', function () {
    window.Alpine.data('uploader', uploader);
    window.Alpine.data('navToggle', navToggle);
    window.Alpine.data('copyToken', copyToken);
  });
})();
