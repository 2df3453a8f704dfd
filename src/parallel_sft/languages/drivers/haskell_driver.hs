-- The Haskell test driver (protocol: languages/functions.py; assembly: languages/haskell.py).
-- Everything above the "@DECLARATIONS@" line is spliced in after the candidate's imports, on
-- that import's own line; the rest goes after the candidate's code, in the same module
-- Main. Every outside name is qualified through a Psft* alias, so the candidate's imports
-- (an unqualified Data.Map), its `import Prelude hiding (..)` and its top-level names cannot
-- make the driver ambiguous or change what it calls. (An explicit Prelude import turns
-- the implicit one off: haskell.py adds a plain `import Prelude` unless the candidate
-- imports Prelude itself or turns it off with NoImplicitPrelude.)
import qualified Control.Exception as PsftE
import qualified Data.Char as PsftC
import qualified Data.Set as PsftS
import qualified GHC.IO.Handle as PsftH
import qualified Prelude as PsftP
import qualified System.IO as PsftIO
-- @DECLARATIONS@

-- The token is read before any of the candidate's code is evaluated (Haskell has no static
-- initialisers: its definitions run only when the driver forces them), then stdin becomes
-- /dev/null (so /proc/self/fd/0 no longer leads back to the token file), and the reports
-- go to a duplicate of fd 1 of the driver's own (a closed or redirected stdout does not
-- matter). Each test's result is rendered by the writer the signature's type gives (the
-- generated `psftCalls` at the end), and the whole rendering is forced inside `try`: an
-- `error` deep inside a lazy result is that test's error, never a later one's.
main :: PsftP.IO ()
main = do
  token <- PsftIO.getLine
  nowhere <- PsftIO.openFile "/dev/null" PsftIO.ReadMode
  PsftH.hDuplicateTo nowhere PsftIO.stdin
  channel <- PsftH.hDuplicate PsftIO.stdout
  let report line = do
        -- A newline first: a candidate's print without one cannot swallow the report.
        PsftIO.hPutStr channel ('\n' : token PsftP.++ (' ' : line) PsftP.++ "\n")
        PsftIO.hFlush channel
      run (index, call) = do
        result <- PsftE.try (PsftE.evaluate (psftForce call))
        line <- case result of
          PsftP.Right json -> PsftP.return (" ok " PsftP.++ json)
          PsftP.Left err -> do
            message <- psftDescribe err
            PsftP.return (" error " PsftP.++ psftString message "")
        report (PsftP.show (index :: PsftP.Int) PsftP.++ line)
  PsftP.mapM_ run (PsftP.zip [0 ..] psftCalls)
  report "done"

-- `s` with every character evaluated (and so every part of the value it renders).
psftForce :: PsftP.String -> PsftP.String
psftForce s = PsftP.foldr PsftP.seq () s `PsftP.seq` s

-- The first line of the exception's message, at most 300 characters; a message that
-- itself raises (`error (error "x")`) is not the driver's crash.
psftDescribe :: PsftE.SomeException -> PsftP.IO PsftP.String
psftDescribe err = do
  let firstLine = PsftP.takeWhile (PsftP./= '\n') (PsftE.displayException err)
  rendered <- PsftE.try (PsftE.evaluate (psftForce (PsftP.take 300 firstLine)))
  PsftP.return (PsftP.either psftUnreadable PsftP.id rendered)
  where
    psftUnreadable :: PsftE.SomeException -> PsftP.String
    psftUnreadable _ = "an exception whose message raised"

-- The writers, one per kind of type; `call` composes them for the signature. They take
-- the signature's concrete types only (Int, Double, Bool, String, (), lists, Maybe,
-- tuples, association lists): the candidate's own instances are never consulted.
psftInt :: PsftP.Int -> PsftP.ShowS
psftInt = PsftP.shows

-- base's shortest round-trip digits: 0.1, 1.0e-2, -0.0, Infinity, NaN (JSON as the host reads it).
psftDouble :: PsftP.Double -> PsftP.ShowS
psftDouble = PsftP.shows

psftBool :: PsftP.Bool -> PsftP.ShowS
psftBool b = PsftP.showString (if b then "true" else "false")

psftUnit :: () -> PsftP.ShowS
psftUnit () = PsftP.showString "null"

-- A JSON string, ASCII only: other characters as \u escapes (surrogate pairs past U+FFFF).
psftString :: PsftP.String -> PsftP.ShowS
psftString s rest = '"' : PsftP.foldr psftChar ('"' : rest) s

psftChar :: PsftP.Char -> PsftP.String -> PsftP.String
psftChar c rest
  | c PsftP.== '"' PsftP.|| c PsftP.== '\\' = '\\' : c : rest
  | n PsftP.>= 0x20 PsftP.&& n PsftP.< 0x7f = c : rest
  | n PsftP.< 0x10000 = psftEscape n rest
  | PsftP.otherwise = psftEscape (0xD800 PsftP.+ high) (psftEscape (0xDC00 PsftP.+ low) rest)
  where
    n = PsftC.ord c
    (high, low) = (n PsftP.- 0x10000) `PsftP.divMod` 0x400

psftEscape :: PsftP.Int -> PsftP.String -> PsftP.String
psftEscape n rest = '\\' : 'u' : PsftP.map digit [12, 8, 4, 0] PsftP.++ rest
  where
    digit shift = PsftC.intToDigit ((n `PsftP.div` (2 PsftP.^ (shift :: PsftP.Int))) `PsftP.mod` 16)

psftList :: (a -> PsftP.ShowS) -> [a] -> PsftP.ShowS
psftList write items = psftItems (PsftP.map write items)

-- Written items as a JSON array (also a tuple's).
psftItems :: [PsftP.ShowS] -> PsftP.ShowS
psftItems [] = PsftP.showString "[]"
psftItems (first : more) =
  PsftP.showChar '[' PsftP.. first PsftP.. PsftP.foldr comma (PsftP.showChar ']') more
  where
    comma write rest = PsftP.showChar ',' PsftP.. write PsftP.. rest

psftMaybe :: (a -> PsftP.ShowS) -> PsftP.Maybe a -> PsftP.ShowS
psftMaybe _ PsftP.Nothing = PsftP.showString "null"
psftMaybe write (PsftP.Just x) = write x

-- An association list as a JSON object; a key given twice is an error (no JSON form).
psftDict :: (k -> PsftP.String) -> (v -> PsftP.ShowS) -> [(k, v)] -> PsftP.ShowS
psftDict key value pairs = PsftP.showChar '{' PsftP.. go PsftS.empty pairs
  where
    go _ [] = PsftP.showChar '}'
    go seen ((k, v) : more)
      | PsftS.member rendered seen =
          PsftP.error
            ("returned an association list with the key " PsftP.++ rendered PsftP.++ " twice")
      | PsftP.otherwise =
          comma PsftP.. PsftP.showString rendered PsftP.. PsftP.showChar ':' PsftP.. value v
            PsftP.. go (PsftS.insert rendered seen) more
      where
        rendered = key k
        comma = if PsftS.null seen then PsftP.id else PsftP.showChar ','

psftKeyString :: PsftP.String -> PsftP.String
psftKeyString k = psftString k ""

psftKeyInt :: PsftP.Int -> PsftP.String
psftKeyInt k = '"' : PsftP.show k PsftP.++ "\""

-- One rendered result per test, in order (generated from the signature and the tests).
psftCalls :: [PsftP.String]
psftCalls =
  [ @CALLS@
  ]
