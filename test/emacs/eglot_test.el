;;; eglot_test.el --- Drives LitLens from Emacs with eglot as docs/editors.md's snippet sets it up -*- lexical-binding: t -*-
;; The snippet is loaded before this file (emacs --batch -l snippet.el -l eglot_test.el). This opens
;; a LaTeX file, lets eglot-ensure connect, and asks for a hover and a completion.
;; Inputs (environment): LITLENS_FILE, LITLENS_OUT. Writes a JSON report to LITLENS_OUT.
(require 'eglot)
(require 'json)

(defvar litlens-report nil)
(defvar litlens-status nil "The last litlens/status the server sent.")

(cl-defmethod eglot-handle-notification (_server (_method (eql litlens/status)) &rest params)
  (setq litlens-status params))

(defun litlens-note (key value) (push (cons key value) litlens-report))

(defun litlens-wait (what pred seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall pred) (error "Timed out waiting for %s" what))))

(defun litlens-position (needle delta)
  (save-excursion
    (goto-char (point-min))
    (search-forward needle)
    (goto-char (+ (match-beginning 0) delta))
    (list :line (1- (line-number-at-pos)) :character (current-column))))

(condition-case err
    (progn
      (find-file (getenv "LITLENS_FILE"))
      (litlens-note 'mode (symbol-name major-mode))
      ;; eglot-ensure connects from the command loop, which batch mode has not: run it once.
      (run-hooks 'post-command-hook)
      (litlens-wait "eglot to connect" (lambda () (eglot-current-server)) 20)
      (let* ((server (eglot-current-server))
             (uri (eglot--path-to-uri (buffer-file-name))))
        (litlens-wait "the server to initialize" (lambda () (eglot--server-capable :hoverProvider)) 20)
        (litlens-note 'server (plist-get (eglot--server-info server) :name))
        (litlens-wait "a ready status" (lambda () (equal (plist-get litlens-status :state) "ready")) 30)
        (litlens-note 'papers (plist-get litlens-status :papers))
        (let ((hover (jsonrpc-request server :textDocument/hover
                                      (list :textDocument (list :uri uri)
                                            :position (litlens-position "\\cite{mastering-atari-go}" 10))
                                      :timeout 30)))
          (litlens-note 'hover (plist-get (plist-get hover :contents) :value)))
        (let* ((list (jsonrpc-request server :textDocument/completion
                                      (list :textDocument (list :uri uri)
                                            :position (litlens-position "\\cite{}" 6))
                                      :timeout 30))
               (items (plist-get list :items)))
          (litlens-note 'completion (vconcat (mapcar (lambda (i) (plist-get i :label)) items)))
          (litlens-note 'inserted (vconcat (mapcar (lambda (i) (plist-get (plist-get i :textEdit) :newText)) items))))
        (eglot-shutdown server)))
  (error (litlens-note 'error (error-message-string err))))

(with-temp-file (getenv "LITLENS_OUT")
  (insert (json-encode litlens-report)))
(kill-emacs 0)
