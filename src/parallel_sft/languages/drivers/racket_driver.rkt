#lang racket/base
;; The Racket test driver (protocol: languages/functions.py; assembly: languages/racket.py).
;;
;; The candidate's program is a string (`source`), declared and instantiated as a module of
;; its own only after the token is read: a read or syntax error there is the `compile`
;; report, an error while it runs the loading error of every test. The token lives in a
;; local of `main` (no module->namespace reaches it); stdin then becomes /dev/null, so
;; /proc/self/fd/0 no longer leads back to the token file; reports go to the output port
;; captured before the candidate runs. Each call runs behind a continuation barrier and a
;; prompt (a continuation it captured cannot re-enter the driver, an abort is its error) and
;; its result is written by `render` from the signature's type: exact checks with Racket's
;; own predicates, no printer of the value's, no impersonated hash.
(require ffi/unsafe)

(define source @SOURCE@)
(define entries '@ENTRIES@) ; the names to look for, in order (running_max, running-max)
(define returns '@RETURNS@) ; (kind "Racket type" part ...)
(define calls (vector @CALLS@)) ; a thunk per test, making fresh arguments

(define (main)
  (define token (let ([line (read-line)]) (if (string? line) (trim line) "")))
  (detach-stdin!)
  (define out (current-output-port))
  (define (report line)
    ;; A newline first: a candidate's print without one cannot swallow the report.
    (write-string (string-append "\n" token " " line "\n") out)
    (flush-output out))
  (define ns (make-base-namespace))
  (define problem (guarded (lambda () (declare! ns) #f) (lambda (why) why)))
  (cond
    [problem (report (string-append "compile " (json-string problem)))]
    [else
     (define entry (guarded (lambda () (load-entry ns)) (lambda (why) (cons 'failed why))))
     (for ([make-args (in-vector calls)] [index (in-naturals)])
       (define line
         (if (and (pair? entry) (eq? (car entry) 'failed))
             (string-append "error " (json-string (string-append "loading the program: " (cdr entry))))
             (guarded (lambda () (string-append "ok " (render (apply entry (make-args)) returns)))
                      (lambda (why) (string-append "error " (json-string why))))))
       (report (string-append (number->string index) " " line)))
     (report "done")]))

;; (thunk), or (failure message) where it raised, aborted or escaped.
(define (guarded thunk failure)
  (define outcome
    (with-handlers ([(lambda (e) #t) (lambda (e) (cons 'raised (describe e)))])
      (call-with-continuation-barrier
       (lambda ()
         (call-with-continuation-prompt
          (lambda () (cons 'value (thunk)))
          (default-continuation-prompt-tag)
          (lambda _ (cons 'raised "aborted to the default prompt")))))))
  (if (eq? (car outcome) 'value) (cdr outcome) (failure (cdr outcome))))

(define (describe e)
  (define text (if (exn? e) (exn-message e) "raised a value that is not an exception"))
  (if (> (string-length text) 300) (substring text 0 300) text))

(define (trim s)
  (define (space? i) (char-whitespace? (string-ref s i)))
  (let loop ([start 0] [end (string-length s)])
    (cond [(and (< start end) (space? start)) (loop (add1 start) end)]
          [(and (< start end) (space? (sub1 end))) (loop start (sub1 end))]
          [else (substring s start end)])))

(define (detach-stdin!)
  (define c-open (get-ffi-obj "open" #f (_fun _path _int -> _int)))
  (define c-dup2 (get-ffi-obj "dup2" #f (_fun _int _int -> _int)))
  (define c-close (get-ffi-obj "close" #f (_fun _int -> _int)))
  (define nowhere (c-open "/dev/null" 0))
  (when (>= nowhere 0)
    (c-dup2 nowhere 0)
    (c-close nowhere)))

;; Declare the candidate's module as 'psft-solution: read (with its #lang) and expanded.
(define (declare! ns)
  (define in (open-input-string source))
  (port-count-lines! in)
  (define form
    (parameterize ([read-accept-reader #t] [read-accept-lang #t])
      (read-syntax "solution.rkt" in)))
  (when (eof-object? form) (error "solution.rkt: no module"))
  (parameterize ([current-namespace ns]
                 [current-module-declare-name (make-resolved-module-path 'psft-solution)])
    (eval (namespace-syntax-introduce form))))

;; Run the module's body and find the entry point among its definitions.
(define (load-entry ns)
  (parameterize ([current-namespace ns])
    (dynamic-require ''psft-solution #f)
    (define inside (module->namespace ''psft-solution))
    (define found
      (for/or ([name (in-list entries)])
        (with-handlers ([exn:fail? (lambda (e) #f)])
          (eval name inside))))
    (unless (procedure? found)
      (error (format "no function ~a is defined" (car entries))))
    found))

;; `value` as canonical JSON of `type`, or an error naming what came back instead.
(define (render value type)
  (define out (open-output-string))
  (define (bad v t)
    (error (string-append "returned " (kind-of v) " where the signature has " (cadr t))))
  (define (items vs ts)
    (write-char #\[ out)
    (for ([v (in-list vs)] [t (in-list ts)] [i (in-naturals)])
      (when (> i 0) (write-char #\, out))
      (walk v t))
    (write-char #\] out))
  (define (walk v t)
    (case (car t)
      [(int) (if (exact-integer? v) (write-string (number->string v) out) (bad v t))]
      [(float) (if (real? v) (write-string (json-float (real->double-flonum v)) out) (bad v t))]
      [(bool) (if (boolean? v) (write-string (if v "true" "false") out) (bad v t))]
      [(str) (if (string? v) (write-string (json-string v) out) (bad v t))]
      [(none) (if (or (void? v) (not v)) (write-string "null" out) (bad v t))]
      [(optional) (if (not v) (write-string "null" out) (walk v (caddr t)))]
      [(list) (if (list? v) (items v (map (lambda (_) (caddr t)) v)) (bad v t))]
      [(tuple)
       (if (and (list? v) (= (length v) (length (cddr t)))) (items v (cddr t)) (bad v t))]
      [(dict)
       (unless (and (hash? v) (not (impersonator? v)) (not (chaperone? v))) (bad v t))
       (define seen (make-hash))
       (write-char #\{ out)
       (for ([(k x) (in-hash v)] [i (in-naturals)])
         (define key-type (caddr t))
         (define key
           (case (car key-type)
             [(int) (if (exact-integer? k) (json-string (number->string k)) (bad k key-type))]
             [else (if (string? k) (json-string k) (bad k key-type))]))
         (when (hash-ref seen key #f)
           (error (string-append "returned a hash with the key " key " twice")))
         (hash-set! seen key #t)
         (when (> i 0) (write-char #\, out))
         (write-string key out)
         (write-char #\: out)
         (walk x (cadddr t)))
       (write-char #\} out)]))
  (walk value type)
  (get-output-string out))

(define (kind-of v)
  (cond [(void? v) "void"]
        [(boolean? v) (if v "#t" "#f")]
        [(exact-integer? v) "an exact integer"]
        [(flonum? v) "a flonum"]
        [(real? v) "an exact rational"]
        [(number? v) "a complex number"]
        [(string? v) "a string"]
        [(symbol? v) "a symbol"]
        [(null? v) "an empty list"]
        [(list? v) "a list of the wrong length"]
        [(pair? v) "a pair"]
        [(vector? v) "a vector"]
        [(hash? v) "a hash"]
        [(procedure? v) "a procedure"]
        [else "a value of another kind"]))

;; Racket's shortest round-trip digits (0.1, 1e-05, 1e+16), in JSON's words for the rest.
(define (json-float x)
  (cond [(eqv? x +inf.0) "Infinity"]
        [(eqv? x -inf.0) "-Infinity"]
        [(not (= x x)) "NaN"]
        [else (number->string x)]))

;; A JSON string, ASCII only: other characters as \u escapes (surrogate pairs past U+FFFF).
(define (json-string s)
  (define out (open-output-string))
  (define (escape n)
    (write-string "\\u" out)
    (write-string (string-pad (number->string n 16)) out))
  (write-char #\" out)
  (for ([c (in-string s)])
    (define n (char->integer c))
    (cond [(or (char=? c #\") (char=? c #\\)) (write-char #\\ out) (write-char c out)]
          [(and (>= n 32) (< n 127)) (write-char c out)]
          [(< n #x10000) (escape n)]
          [else (escape (+ #xD800 (arithmetic-shift (- n #x10000) -10)))
                (escape (+ #xDC00 (bitwise-and (- n #x10000) #x3FF)))]))
  (write-char #\" out)
  (get-output-string out))

(define (string-pad digits)
  (string-append (make-string (- 4 (string-length digits)) #\0) digits))

(main)
