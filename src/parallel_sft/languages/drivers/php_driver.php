<?php
// The PHP test driver's class (protocol: languages/functions.py; layout: php.py). The
// program calls PsftDriver::start() on its first line, before any of the candidate's
// code, and PsftDriver::run() after it. PHP lets no program redefine a function or a
// class, so the builtins used here are PHP's own; results are checked against the
// signature's type with is_int/is_string/array_is_list (no __toString, ArrayAccess or
// JsonSerializable of the value is ever called) and written by json_encode with the
// float precision set again for each result.

final class PsftDriver
{
    private static string $token = '';
    /** @var resource|null */
    private static $out = null;

    /** Open a duplicate of fd 1 (a candidate that closes STDOUT or buffers its output
     * does not touch it) and read the token, before any of the candidate's code runs. */
    public static function start(): void
    {
        self::$out = fopen('php://fd/1', 'wb');
        $line = fgets(STDIN);
        self::$token = trim($line === false ? '' : $line);
    }

    /**
     * Call $entry on each argument list and report each result.
     *
     * @param array<int, mixed> $returns the return type: [kind, its PHPDoc name, parts...]
     * @param list<Closure> $calls each makes one call's arguments afresh
     */
    public static function run(string $entry, array $returns, array $calls): void
    {
        if (!function_exists($entry)) {
            $why = self::text("loading the program: no function $entry is defined");
            foreach ($calls as $index => $_) {
                self::report("$index error $why");
            }
        } else {
            foreach ($calls as $index => $make) {
                try {
                    $args = $make();
                    $line = "$index ok " . self::json($entry(...$args), $returns);
                } catch (\Throwable $error) {
                    $line = "$index error " . self::text(get_class($error) . ': ' . $error->getMessage());
                }
                self::report($line);
            }
        }
        self::report('done');
        exit(0);
    }

    private static function report(string $line): void
    {
        fwrite(self::$out, "\n" . self::$token . ' ' . $line . "\n");
        fflush(self::$out);
    }

    private static function text(string $message): string
    {
        $one = trim(preg_replace('/\s+/', ' ', substr($message, 0, 300)) ?? $message);
        return json_encode($one, JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES);
    }

    /** @param array<int, mixed> $type */
    private static function json(mixed $value, array $type): string
    {
        [$kind, $name] = $type;
        switch ($kind) {
            case 'optional':
                return $value === null ? 'null' : self::json($value, $type[2]);
            case 'None':
                if ($value === null) {
                    return 'null';
                }
                break;
            case 'bool':
                if (is_bool($value)) {
                    return $value ? 'true' : 'false';
                }
                break;
            case 'int':
                if (is_int($value)) {
                    return (string) $value;
                }
                break;
            case 'float':
                if (is_float($value) || is_int($value)) {
                    return self::float((float) $value);
                }
                break;
            case 'str':
                if (is_string($value)) {
                    $out = json_encode($value, JSON_UNESCAPED_SLASHES);
                    if ($out === false) {
                        throw new \UnexpectedValueException('returned a string that is not valid UTF-8');
                    }
                    return $out;
                }
                break;
            case 'list':
            case 'tuple':
                if (is_array($value)) {
                    if (!array_is_list($value)) {
                        $keys = implode(', ', array_slice(array_keys($value), 0, 5));
                        throw new \UnexpectedValueException(
                            "returned an array with the keys $keys, not a list, where the signature has $name"
                            . ' (array_values makes a list)'
                        );
                    }
                    if ($kind === 'tuple' && count($value) !== count($type) - 2) {
                        throw new \UnexpectedValueException(
                            'returned an array of ' . count($value) . " items where the signature has $name"
                        );
                    }
                    $items = [];
                    foreach ($value as $i => $item) {
                        $items[] = self::json($item, $kind === 'list' ? $type[2] : $type[$i + 2]);
                    }
                    return '[' . implode(', ', $items) . ']';
                }
                break;
            case 'dict':
                if (is_array($value)) {
                    $pairs = [];
                    foreach ($value as $key => $item) {
                        if ($type[2][0] === 'int' && !is_int($key)) {
                            throw new \UnexpectedValueException("returned the key \"$key\" where the signature has $name");
                        }
                        $pairs[] = self::json((string) $key, ['str', 'string']) . ': ' . self::json($item, $type[3]);
                    }
                    return '{' . implode(', ', $pairs) . '}';
                }
                break;
        }
        throw new \UnexpectedValueException('returned ' . self::kind($value) . " where the signature has $name");
    }

    private static function float(float $value): string
    {
        if (is_nan($value)) {
            return 'NaN';
        }
        if (is_infinite($value)) {
            return $value > 0 ? 'Infinity' : '-Infinity';
        }
        ini_set('serialize_precision', '-1'); // the shortest digits that read back exactly
        return json_encode($value, JSON_PRESERVE_ZERO_FRACTION);
    }

    private static function kind(mixed $value): string
    {
        if (is_object($value)) {
            return 'an object of class ' . get_class($value);
        }
        $type = get_debug_type($value);
        if ($type === 'null') {
            return 'null';
        }
        return in_array($type[0], ['a', 'e', 'i', 'o', 'u'], true) ? "an $type" : "a $type";
    }
}
