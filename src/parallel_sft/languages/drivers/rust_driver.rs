// The Rust test driver of function problems (protocol: languages/functions.py), after the
// candidate's code in one crate (items may come in any order in Rust, and the candidate's
// inner attributes must stay first). rust_functions.py adds the generated calls at the
// end. Every path is absolute (`::std::...`): the candidate's `use`s and types cannot
// shadow them.

#[allow(dead_code)]
mod psft_driver {
    use ::std::fmt::Write as _;
    use ::std::string::String;

    /// A value of the signature's types as canonical JSON. The driver's calls bind each
    /// result to the signature's return type first, so only these impls are ever used:
    /// the value's own Debug, Display or PartialEq never are.
    pub trait Json {
        fn json(&self, out: &mut String);
    }

    /// A dict key, as a JSON object key (a string).
    pub trait Key {
        fn key(&self, out: &mut String);
    }

    impl Json for i64 {
        fn json(&self, out: &mut String) {
            let _ = write!(out, "{}", self);
        }
    }

    impl Json for f64 {
        fn json(&self, out: &mut String) {
            if self.is_nan() {
                out.push_str("NaN");
            } else if self.is_infinite() {
                out.push_str(if *self > 0.0 { "Infinity" } else { "-Infinity" });
            } else {
                let _ = write!(out, "{:?}", self); // shortest round-trip digits: 0.1, 1e16
            }
        }
    }

    impl Json for bool {
        fn json(&self, out: &mut String) {
            out.push_str(if *self { "true" } else { "false" });
        }
    }

    impl Json for String {
        fn json(&self, out: &mut String) {
            quote(self, out);
        }
    }

    impl Json for () {
        fn json(&self, out: &mut String) {
            out.push_str("null");
        }
    }

    impl<T: Json> Json for ::std::vec::Vec<T> {
        fn json(&self, out: &mut String) {
            out.push('[');
            for (i, item) in self.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                item.json(out);
            }
            out.push(']');
        }
    }

    impl<T: Json> Json for ::std::option::Option<T> {
        fn json(&self, out: &mut String) {
            match self {
                ::std::option::Option::Some(value) => value.json(out),
                ::std::option::Option::None => out.push_str("null"),
            }
        }
    }

    impl<K: Key, V: Json, S> Json for ::std::collections::HashMap<K, V, S> {
        fn json(&self, out: &mut String) {
            out.push('{');
            for (i, (key, value)) in self.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                key.key(out);
                out.push(':');
                value.json(out);
            }
            out.push('}');
        }
    }

    impl Key for i64 {
        fn key(&self, out: &mut String) {
            let _ = write!(out, "\"{}\"", self);
        }
    }

    impl Key for String {
        fn key(&self, out: &mut String) {
            quote(self, out);
        }
    }

    macro_rules! tuple_json {
        ($($name:ident $index:tt),+) => {
            impl<$($name: Json),+> Json for ($($name,)+) {
                fn json(&self, out: &mut String) {
                    out.push('[');
                    $(
                        if $index > 0 {
                            out.push(',');
                        }
                        self.$index.json(out);
                    )+
                    out.push(']');
                }
            }
        };
    }
    tuple_json!(A 0);
    tuple_json!(A 0, B 1);
    tuple_json!(A 0, B 1, C 2);
    tuple_json!(A 0, B 1, C 2, D 3);
    tuple_json!(A 0, B 1, C 2, D 3, E 4);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    tuple_json!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

    pub fn to_json<T: Json>(value: &T) -> String {
        let mut out = String::new();
        value.json(&mut out);
        out
    }

    /// A JSON string, ASCII only: a line separator (U+2028, U+0085) written raw would
    /// split the report's line.
    pub fn quote(text: &str, out: &mut String) {
        out.push('"');
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                ' '..='~' => out.push(c),
                _ => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units).iter() {
                        let _ = write!(out, "\\u{:04x}", unit);
                    }
                }
            }
        }
        out.push('"');
    }

    ::std::thread_local! {
        static WHERE: ::std::cell::RefCell<String> = ::std::cell::RefCell::new(String::new());
    }

    /// A panic's place is kept for its error line, and nothing is printed (the default
    /// hook writes to stderr, which is not the report anyway).
    pub fn keep_panic_places() {
        ::std::panic::set_hook(::std::boxed::Box::new(|info| {
            let place = match info.location() {
                ::std::option::Option::Some(at) => {
                    ::std::format!(" at {}:{}", at.file(), at.line())
                }
                ::std::option::Option::None => String::new(),
            };
            WHERE.with(|w| *w.borrow_mut() = place);
        }));
    }

    /// The call's result line, or its panic as an error line.
    pub fn run(index: usize, call: fn() -> String) -> String {
        WHERE.with(|w| w.borrow_mut().clear());
        match ::std::panic::catch_unwind(call) {
            ::std::result::Result::Ok(json) => ::std::format!("{} ok {}", index, json),
            ::std::result::Result::Err(payload) => {
                let message = if let ::std::option::Option::Some(s) = payload.downcast_ref::<&str>()
                {
                    String::from(*s)
                } else if let ::std::option::Option::Some(s) = payload.downcast_ref::<String>() {
                    s.clone()
                } else {
                    String::from("a value that is not a string")
                };
                ::std::mem::forget(payload); // its Drop is the candidate's: it may panic again
                let place = WHERE.with(|w| w.borrow().clone());
                let text: String = ::std::format!("panicked{}: {}", place, message)
                    .chars()
                    .take(300)
                    .collect();
                let mut line = ::std::format!("{} error ", index);
                quote(&text, &mut line);
                line
            }
        }
    }

    /// stdin's first line, read before any candidate code runs (Rust runs none before main).
    pub fn token() -> String {
        let mut line = String::new();
        let _ = ::std::io::BufRead::read_line(&mut ::std::io::stdin().lock(), &mut line);
        String::from(line.trim())
    }

    /// fd 1 as a file of the driver's own: nothing the candidate buffers in `stdout()` is
    /// in the way, and a newline first keeps a print without one from swallowing a report.
    pub fn report(token: &str, line: &str) {
        use ::std::os::unix::io::FromRawFd;
        let mut out = ::std::mem::ManuallyDrop::new(unsafe { ::std::fs::File::from_raw_fd(1) });
        let _ = ::std::io::Write::write_all(
            &mut *out,
            ::std::format!("\n{} {}\n", token, line).as_bytes(),
        );
    }
}

fn main() {
    let token = psft_driver::token();
    psft_driver::keep_panic_places();
    for (index, call) in PSFT_CALLS.iter().enumerate() {
        psft_driver::report(&token, &psft_driver::run(index, *call));
    }
    psft_driver::report(&token, "done");
}

// @CALLS@
