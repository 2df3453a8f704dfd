(* The OCaml test driver (protocol: languages/functions.py; assembly: languages/ocaml.py).

   It reads the token first: this is the file's first definition, so it runs before any of
   the candidate's top-level code. Then stdin becomes /dev/null (/proc/self/fd/0 no longer
   leads back to the token file) and reports go to a duplicate of fd 1 of the driver's own.
   The candidate's code is the body of the functor `Psft_candidate`, which first shadows
   the token and the channel (a module cannot name its enclosing file's definitions) and
   is sealed by PSFT_ENTRY, the signature's type for the entry point: a wrong type is the
   compiler's error. The functor is applied inside `try`, so an exception in the
   candidate's top-level code is a loading error of every test, not a crash. Results are
   written by the writers below, composed from the signature's type: OCaml's types are
   exact, so no value of the candidate's own can stand in for a list or a string. *)
let psft_channel, psft_token =
  let token = String.trim (input_line stdin) in
  let nowhere = Unix.openfile "/dev/null" [ Unix.O_RDONLY ] 0 in
  Unix.dup2 nowhere Unix.stdin;
  Unix.close nowhere;
  (Unix.out_channel_of_descr (Unix.dup Unix.stdout), token)

module type PSFT_ENTRY = sig
  val @ENTRY@ : @TYPE@
end

(* @CANDIDATE@ *)

let psft_int (v : int) b = Buffer.add_string b (string_of_int v)

(* The shortest of 15, 16 or 17 significant digits that reads back as the same float. *)
let psft_float (v : float) b =
  match classify_float v with
  | FP_nan -> Buffer.add_string b "NaN"
  | FP_infinite -> Buffer.add_string b (if v > 0. then "Infinity" else "-Infinity")
  | _ ->
      let digits n = Printf.sprintf "%.*g" n v in
      let text =
        if float_of_string (digits 15) = v then digits 15
        else if float_of_string (digits 16) = v then digits 16
        else digits 17
      in
      Buffer.add_string b text;
      if not (String.contains text '.' || String.contains text 'e') then
        Buffer.add_string b ".0"

let psft_bool (v : bool) b = Buffer.add_string b (if v then "true" else "false")
let psft_unit () b = Buffer.add_string b "null"

(* A JSON string, ASCII only: other characters as \u escapes (surrogate pairs past
   U+FFFF; raw, U+2028 would end the host's line). A string that is not UTF-8 is an
   error: the signature's strings are text. *)
let psft_string (v : string) b =
  let n = String.length v in
  let byte i = if i < n then Char.code v.[i] else 0 in
  (* the low six bits of a continuation byte, -1 for any other byte *)
  let tail i = if i < n && byte i land 0xC0 = 0x80 then byte i land 0x3F else -1 in
  let escape c = Buffer.add_string b (Printf.sprintf "\\u%04x" c) in
  let decode i =
    let c = byte i in
    if c < 0x80 then (c, 1)
    else if c < 0xC2 then (-1, 1)
    else if c < 0xE0 then
      if tail (i + 1) < 0 then (-1, 1) else (((c land 0x1F) lsl 6) lor tail (i + 1), 2)
    else if c < 0xF0 then
      if tail (i + 1) < 0 || tail (i + 2) < 0 then (-1, 1)
      else
        let code = ((c land 0x0F) lsl 12) lor (tail (i + 1) lsl 6) lor tail (i + 2) in
        ((if code < 0x800 || (code >= 0xD800 && code < 0xE000) then -1 else code), 3)
    else if c < 0xF5 then
      if tail (i + 1) < 0 || tail (i + 2) < 0 || tail (i + 3) < 0 then (-1, 1)
      else
        let code =
          ((c land 0x07) lsl 18) lor (tail (i + 1) lsl 12) lor (tail (i + 2) lsl 6) lor tail (i + 3)
        in
        ((if code < 0x10000 || code > 0x10FFFF then -1 else code), 4)
    else (-1, 1)
  in
  Buffer.add_char b '"';
  let i = ref 0 in
  while !i < n do
    let code, width = decode !i in
    if code < 0 then failwith "returned a string that is not valid UTF-8";
    if code = 0x22 || code = 0x5C then (
      Buffer.add_char b '\\';
      Buffer.add_char b (Char.chr code))
    else if code >= 0x20 && code < 0x7F then Buffer.add_char b (Char.chr code)
    else if code < 0x10000 then escape code
    else (
      escape (0xD800 + ((code - 0x10000) lsr 10));
      escape (0xDC00 + ((code - 0x10000) land 0x3FF)));
    i := !i + width
  done;
  Buffer.add_char b '"'

let psft_items (writers : (Buffer.t -> unit) list) b =
  Buffer.add_char b '[';
  List.iteri
    (fun i write ->
      if i > 0 then Buffer.add_char b ',';
      write b)
    writers;
  Buffer.add_char b ']'

let psft_list write (v : 'a list) b = psft_items (List.map write v) b

let psft_option write (v : 'a option) b =
  match v with None -> Buffer.add_string b "null" | Some x -> write x b

let psft_key_string (k : string) =
  let b = Buffer.create 16 in
  psft_string k b;
  Buffer.contents b

let psft_key_int (k : int) = "\"" ^ string_of_int k ^ "\""

(* An association list as a JSON object; a key given twice is an error (no JSON form). *)
let psft_dict key write (v : ('k * 'v) list) b =
  let seen = Hashtbl.create 16 in
  Buffer.add_char b '{';
  List.iteri
    (fun i (k, x) ->
      let rendered = key k in
      if Hashtbl.mem seen rendered then
        failwith ("returned an association list with the key " ^ rendered ^ " twice");
      Hashtbl.add seen rendered ();
      if i > 0 then Buffer.add_char b ',';
      Buffer.add_string b rendered;
      Buffer.add_char b ':';
      write x b)
    v;
  Buffer.add_char b '}'

let psft_render write value =
  let b = Buffer.create 64 in
  write value b;
  Buffer.contents b

(* An exception as a JSON string of at most 300 bytes (a printer of the candidate's that
   raises is not the driver's crash). *)
let psft_describe ?(before = "") e =
  let text = try Printexc.to_string e with _ -> "an exception whose printer raised" in
  let text = before ^ text in
  psft_key_string (if String.length text > 300 then String.sub text 0 300 else text)

let psft_calls (module M : PSFT_ENTRY) : (unit -> string) list = [ @CALLS@ ]
let psft_count = @COUNT@

let () =
  let report line =
    (* A newline first: a candidate's print without one cannot swallow the report. *)
    output_string psft_channel ("\n" ^ psft_token ^ " " ^ line ^ "\n");
    flush psft_channel
  in
  match
    let module M = Psft_candidate (struct end) in
    (module M : PSFT_ENTRY)
  with
  | exception e ->
      let why = psft_describe ~before:"loading the program: " e in
      for i = 0 to psft_count - 1 do
        report (string_of_int i ^ " error " ^ why)
      done;
      report "done"
  | entry ->
      List.iteri
        (fun i call ->
          let line =
            match call () with
            | json -> " ok " ^ json
            | exception e -> " error " ^ psft_describe e
          in
          report (string_of_int i ^ line))
        (psft_calls entry);
      report "done"
