;;; emacs-snippet.el --- check the Emacs snippet of editors/README.md  -*- lexical-binding: t -*-
;; emacs --batch -Q -l editors/test/emacs-snippet.el SNIPPET.el EXAMPLE.sdd
;; Loads the snippet (extracted from the README by editors/ci.sh), opens EXAMPLE.sdd and checks
;; the mode, the eglot entry, a few faces and the indentation. Exits 1 on a failure.
(setq debug-on-error nil)
(require 'cl-lib)
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(let* ((snippet (nth 0 command-line-args-left))
       (example (nth 1 command-line-args-left))
       (failures 0))
  (setq command-line-args-left nil)
  (cl-flet ((check (name ok)
              (princ (format "%s - %s\n" (if ok "ok" "not ok") name))
              (unless ok (setq failures (1+ failures)))))
    (load snippet nil t)
    (remove-hook 'sdd-mode-hook #'eglot-ensure) ; no server in this check
    (find-file example)
    (check "sdd-mode for .sdd files" (eq major-mode 'sdd-mode))
    (check "eglot runs sdd-lsp"
           (progn (require 'eglot nil t)
                  (equal (cdr (assoc 'sdd-mode (bound-and-true-p eglot-server-programs))) '("sdd-lsp"))))
    (font-lock-ensure)
    (goto-char (point-min))
    (check "declaration keyword face"
           (and (re-search-forward "^\\(engagement\\|person\\|enum\\|profile\\|asset\\|role\\|record\\) " nil t)
                (eq (get-text-property (match-beginning 1) 'face) 'font-lock-type-face)))
    (goto-char (point-min))
    (check "comment face"
           (and (re-search-forward "//" nil t)
                (memq (get-text-property (point) 'face) '(font-lock-comment-face font-lock-comment-delimiter-face))))
    (with-temp-buffer
      (insert "engagement e {\nowner: @a\nrequirements {\nrequirement R1 \"t {\" {\npriority: must\n}\n}\n}\n")
      (sdd-mode)
      (let ((inhibit-message t)) (indent-region (point-min) (point-max)))
      (check "indentation"
             (equal (buffer-string)
                    "engagement e {\n  owner: @a\n  requirements {\n    requirement R1 \"t {\" {\n      priority: must\n    }\n  }\n}\n"))))
  (kill-emacs (if (= failures 0) 0 1)))
