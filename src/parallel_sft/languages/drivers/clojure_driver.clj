;; The test driver of a Clojure function problem (protocol: languages/functions.py). The
;; candidate's code is a string, loaded after the token is read. What the driver does
;; after that is a local of this one form: Java interop, special forms, macros (expanded
;; before the candidate exists) and the core functions the compiler inlines (nth, count,
;; inc, <, nil?, identical?), never a var the candidate could redefine.
(ns psft.driver
  (:require [clojure.edn]))

(let [source @SOURCE@
      entry-names '@NAMES@
      returns '@RETURNS@
      tests @TESTS@
      read-edn clojure.edn/read-string
      read-form read
      eval-form eval
      resolve-in ns-resolve
      user-ns (the-ns 'user)
      library (str (.getLocation (.getCodeSource (.getProtectionDomain clojure.lang.RT))))
      compile-phases #{:read-source :macro-syntax-check :macroexpansion :compile-syntax-check
                       :compilation}
      channel (java.io.FileOutputStream. java.io.FileDescriptor/out)
      token (let [in (java.io.FileInputStream. java.io.FileDescriptor/in)
                  sb (StringBuilder.)]
              (loop [c (.read in)]
                (when-not (or (== c -1) (== c 10))
                  (when (> c 32) (.append sb (char c)))
                  (recur (.read in))))
              (.toString sb))]
  (letfn [(say [^String line]  ; a newline first: a print without one cannot swallow it
            (let [text (doto (StringBuilder. "\n") (.append token) (.append " ") (.append line)
                         (.append "\n"))]
              (.write channel (.getBytes (.toString text) "UTF-8"))
              (.flush channel)))
          (quote-json [^String s]
            (let [out (StringBuilder. "\"")
                  hex "0123456789abcdef"]
              (loop [i 0]
                (when (< i (.length s))
                  (let [c (int (.charAt s i))]
                    (cond
                      (or (== c 34) (== c 92)) (.append (.append out \\) (char c))
                      (or (< c 32) (>= c 127))
                      (doto out (.append "\\u") (.append (.charAt hex (bit-and (bit-shift-right c 12) 15)))
                        (.append (.charAt hex (bit-and (bit-shift-right c 8) 15)))
                        (.append (.charAt hex (bit-and (bit-shift-right c 4) 15)))
                        (.append (.charAt hex (bit-and c 15))))
                      :else (.append out (char c))))
                  (recur (inc i))))
              (.toString (.append out \"))))
          (class-name [value] (if (nil? value) "nil" (.getName (.getClass ^Object value))))
          (bad [value ^String want]
            (IllegalArgumentException.
             (.toString (doto (StringBuilder. "returned ") (.append ^String (class-name value))
                          (.append " where it is ") (.append want)))))
          (describe [^Throwable e]
            (let [message (try (.getMessage e) (catch Throwable _ "(its message raised)"))
                  ^String named (class-name e)
                  text (if (nil? message) named (.concat (.concat named ": ") message))]
              (if (> (.length text) 300) (.substring text 0 300) text)))
          ;; Collections of the JDK or of Clojure's own jar, never the candidate's
          ;; deftype, reify or proxy (those come from Clojure's DynamicClassLoader).
          (trusted? [^Object value]
            (let [c (.getClass value)
                  domain (.getProtectionDomain c)
                  code (when-not (nil? domain) (.getCodeSource domain))]
              (or (nil? (.getClassLoader c))
                  (if (nil? code) false (.equals library (.toString (.getLocation code)))))))
          (items [value ^String want]  ; a list, tuple or nil's items, as a Java list
            (let [out (java.util.ArrayList.)]
              (when-not (nil? value)
                (when-not (and (or (instance? clojure.lang.Sequential value)
                                   (instance? java.util.List value))
                               (trusted? value))
                  (throw (bad value want)))
                (loop [s (clojure.lang.RT/seq value)]
                  (when-not (nil? s)
                    (.add out (clojure.lang.RT/first s))
                    (recur (clojure.lang.RT/next s)))))
              out))
          (exact? [value c] (if (nil? value) false (identical? (.getClass ^Object value) c)))
          (integer [value]
            (if (or (exact? value Long) (exact? value Integer) (exact? value Short)
                    (exact? value Byte) (exact? value clojure.lang.BigInt)
                    (exact? value java.math.BigInteger))
              (.toString ^Object value)
              (throw (bad value "an int (integer)"))))
          (real [value]
            (if (or (exact? value Double) (exact? value Float) (exact? value Long)
                    (exact? value Integer) (exact? value clojure.lang.Ratio)
                    (exact? value clojure.lang.BigInt) (exact? value java.math.BigDecimal))
              (let [d (.doubleValue ^Number value)]
                (cond (Double/isNaN d) "NaN"
                      (Double/isInfinite d) (if (> d 0.0) "Infinity" "-Infinity")
                      :else (Double/toString d)))
              (throw (bad value "a float (double)"))))
          ;; `value` as canonical JSON of `t` ([:int], [:list T], [:tuple A B], [:dict K V],
          ;; [:optional T]), by exact classes: never its equals, toString or print method.
          (write [^StringBuilder out value t]
            (let [kind (nth t 0)]
              (case kind
                :optional (if (nil? value) (.append out "null") (write out value (nth t 1)))
                :None (if (nil? value) (.append out "null") (throw (bad value "None (nil)")))
                :int (.append out ^String (integer value))
                :float (.append out ^String (real value))
                :bool (if (exact? value Boolean)
                        (.append out (if (.booleanValue ^Boolean value) "true" "false"))
                        (throw (bad value "a bool (boolean)")))
                :str (if (exact? value String)
                       (.append out ^String (quote-json value))
                       (throw (bad value "a str (string)")))
                :list (let [^java.util.ArrayList found (items value "a list (a vector or sequence)")]
                        (.append out "[")
                        (loop [i 0]
                          (when (< i (.size found))
                            (when (> i 0) (.append out ","))
                            (write out (.get found i) (nth t 1))
                            (recur (inc i))))
                        (.append out "]"))
                :tuple (let [arity (dec (count t))
                             ^java.util.ArrayList found (items value "a tuple (a vector)")]
                         (when-not (== (.size found) arity)
                           (throw (bad value (.concat "a tuple of " (String/valueOf arity)))))
                         (.append out "[")
                         (loop [i 0]
                           (when (< i arity)
                             (when (> i 0) (.append out ","))
                             (write out (.get found i) (nth t (inc i)))
                             (recur (inc i))))
                         (.append out "]"))
                :dict (let [seen (java.util.HashSet.)
                            str-keys (identical? (nth (nth t 1) 0) :str)]
                        (when-not (or (nil? value) (and (instance? java.util.Map value) (trusted? value)))
                          (throw (bad value "a dict (a map)")))
                        (.append out "{")
                        (loop [s (clojure.lang.RT/seq value)]
                          (when-not (nil? s)
                            (let [^java.util.Map$Entry entry (clojure.lang.RT/first s)
                                  k (.getKey entry)
                                  ^String key (cond
                                                (if str-keys false true) (quote-json (integer k))
                                                (exact? k String) (quote-json k)
                                                :else (throw (bad k "a str (string) key")))]
                              (when-not (.add seen key)
                                (throw (IllegalArgumentException.
                                        (.concat "returned a map with this key twice: " key))))
                              (when (> (.size seen) 1) (.append out ","))
                              (.append (.append out key) ":")
                              (write out (.getValue entry) (nth t 2))
                              (recur (clojure.lang.RT/next s)))))
                        (.append out "}")))))
          (compile-error? [^Throwable e]
            (or (instance? clojure.lang.LispReader$ReaderException e)
                (and (instance? clojure.lang.Compiler$CompilerException e)
                     (.contains ^java.util.Set compile-phases
                                (.valAt ^clojure.lang.IPersistentMap
                                        (.getData ^clojure.lang.Compiler$CompilerException e)
                                        :clojure.error/phase)))))
          (located [^Throwable e]  ; the reader's or compiler's place, with the cause
            (let [cause (.getCause e)
                  ^String where (if (instance? clojure.lang.LispReader$ReaderException e)
                                  (.concat (.concat "Syntax error reading source at (solution.clj:"
                                                    (String/valueOf (.-line ^clojure.lang.LispReader$ReaderException e)))
                                           ").")
                                  (.getMessage e))]
              (cond (nil? cause) (describe e)
                    (identical? cause e) where
                    :else (.concat (.concat where " ") ^String (describe cause)))))
          (load-candidate []  ; [:ok the namespace it ended in] or [:compile|:error text]
            (let [reader (clojure.lang.LineNumberingPushbackReader. (java.io.StringReader. source))
                  eof (Object.)]
              (clojure.lang.Var/pushThreadBindings
               {#'clojure.core/*ns* user-ns, #'clojure.core/*file* "solution.clj",
                #'clojure.core/*source-path* "solution.clj"})
              (try
                ((fn [] (loop []
                          (let [form (read-form {:eof eof :read-cond :allow} reader)]
                            (if (identical? form eof)
                              [:ok (.deref #'clojure.core/*ns*)]
                              (do (eval-form form) (recur)))))))
                (catch Throwable e
                  [(if (compile-error? e) :compile :error) (located e)])
                (finally (clojure.lang.Var/popThreadBindings)))))
          (entry [ns]  ; the function, in the namespace the code ended in or in `user`
            (loop [names (clojure.lang.RT/seq entry-names)]
              (when-not (nil? names)
                (let [name (clojure.lang.RT/first names)
                      v (or (resolve-in ns name) (resolve-in user-ns name))]
                  (if (and (instance? clojure.lang.Var v)
                           (instance? clojure.lang.IFn (.deref ^clojure.lang.Var v)))
                    (.deref ^clojure.lang.Var v)
                    (recur (clojure.lang.RT/next names)))))))
          (run [f]  ; every test, in order; an OutOfMemoryError ends the run (MEMORY_LIMIT)
            (loop [i 0]
              (when (< i (count tests))
                (let [head (.concat (String/valueOf i) " ")]
                  (try
                    (let [args (read-edn (nth tests i))
                          result (.applyTo ^clojure.lang.IFn f (clojure.lang.RT/seq args))
                          out (StringBuilder.)]
                      (write out result returns)
                      (say (.concat (.concat head "ok ") (.toString out))))
                    (catch OutOfMemoryError e
                      (say (.concat (.concat head "error ") ^String (quote-json (describe e))))
                      (throw e))
                    (catch Throwable e
                      (say (.concat (.concat head "error ") ^String (quote-json (describe e)))))))
                (recur (inc i)))))]
    (let [[status found] (load-candidate)
          f (when (identical? status :ok) (entry found))]
      (cond
        (identical? status :compile) (say (.concat "compile " ^String (quote-json found)))
        (identical? status :error)  ; the code loaded, and raised: every test fails with it
        (let [^String why (quote-json (.concat "loading the program raised " ^String found))]
          (loop [i 0]
            (when (< i (count tests))
              (say (.concat (.concat (String/valueOf i) " error ") why))
              (recur (inc i))))
          (say "done"))
        (nil? f)
        (let [^clojure.lang.Symbol wanted (clojure.lang.RT/first entry-names)]
          (say (.concat "compile " ^String
                        (quote-json (.concat (.concat "no function " (.getName wanted)) " is defined")))))
        :else (do (run f) (say "done")))
      (.halt (Runtime/getRuntime) 0))))
