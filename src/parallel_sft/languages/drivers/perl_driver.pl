# The Perl test driver (protocol: languages/functions.py; layout: perl.py). perl.py puts
# one line after this text: PsftDriver::main(SOURCE, ENTRY, RETURNS, CALLS), with the
# return type as [kind, its Types::Standard name, parts...] and one sub per test that
# makes its arguments afresh.
#
# The candidate's code is a string compiled by `load`, the first sub of the file: no
# lexical of the driver is in scope there. main() opens its own duplicate of fd 1, reads
# the token and takes references to the subs it uses (Scalar::Util's, POSIX::_exit)
# before loading it, and serialises with closures held in its own lexicals: a candidate
# that redefines a sub, reopens STDOUT or sets $, or $\ changes nothing here. A blessed,
# tied or overloaded value is refused, never asked for its value.
sub PsftDriver::load { eval shift }

use strict;
use warnings;
use POSIX ();
use Scalar::Util ();

package PsftDriver;

our $loading = 0;  # set by the first statement of the candidate's code: it compiled

sub main {
    my ($source, $entry_name, $returns, $calls) = @_;
    my ($blessed, $reftype, $numeric) =
        (\&Scalar::Util::blessed, \&Scalar::Util::reftype, \&Scalar::Util::looks_like_number);
    my $exit = \&POSIX::_exit;
    open(my $out, '>&', \*STDOUT) or die "no stdout: $!";
    my $token = '';  # sysread, not <STDIN>: a die message then names no "<STDIN> line 1"
    sysread(STDIN, $token, 256);
    $token =~ s/\n.*//s;
    $token =~ s/\s+//g;
    my $report = sub { syswrite($out, "\n$token $_[0]\n") };

    my $quoted = sub {
        my ($s) = @_;
        die "returned a string with a character beyond Unicode\n" if $s =~ /[^\x00-\x{10FFFF}]/;
        $s =~ s{([^\x20\x21\x23-\x5b\x5d-\x7e])}{
            my $c = ord $1;
            $c == 0x22 ? '\\"' : $c == 0x5c ? '\\\\' : $c < 0x10000 ? sprintf('\\u%04x', $c)
                : sprintf('\\u%04x\\u%04x', 0xD800 + (($c - 0x10000) >> 10),
                          0xDC00 + (($c - 0x10000) & 0x3FF))
        }ge;
        return qq("$s");
    };
    my $text = sub {
        my ($message) = @_;
        $message = defined $message ? $message : 'undef';
        $message = 'died with ' . (ref $message) . ' object' if ref $message;
        $message = substr($message, 0, 300);
        $message =~ s/\s+/ /g;
        $message =~ s/^ | $//g;
        return $quoted->($message);
    };
    # The shortest of %.15g, %.16g and %.17g that reads back as the same number.
    my $number = sub {
        my ($x, $float) = @_;
        return 'NaN' if $x != $x;
        return $x > 0 ? 'Infinity' : '-Infinity' if $x == 9**9**9 || $x == -9**9**9;
        if (!$float && $x == int $x) {
            my $max = ~0 >> 1;
            return $x <= $max && $x >= -$max - 1 ? sprintf('%d', $x) : sprintf('%.0f', $x);
        }
        my $digits;
        for my $precision (15 .. 17) {
            $digits = sprintf("%.${precision}g", $x);
            last if $digits + 0 == $x;
        }
        $digits .= '.0' unless $digits =~ /[.e]/;
        return $digits;
    };
    my $kind = sub {
        my ($v) = @_;
        return 'undef' unless defined $v;
        return 'a ' . $blessed->($v) . ' object' if defined $blessed->($v);
        return 'a reference to ' . (ref $v eq 'REF' || ref $v eq 'SCALAR' ? 'a scalar' : 'a ' . ref $v)
            . ($reftype->($v) eq 'ARRAY' ? ' (an array reference)' : '')
            if ref $v;
        return $numeric->($v) ? "the number $v" : 'the string ' . $quoted->($v);
    };

    my $emit;
    $emit = sub {
        my ($v, $t) = @_;
        my ($kind_of, $name) = @$t;
        if ($kind_of eq 'optional') {
            return defined $v ? $emit->($v, $t->[2]) : 'null';
        }
        my $ref = ref $v;
        if ($ref && (defined $blessed->($v) || $ref eq 'ARRAY' && tied(@$v) || $ref eq 'HASH' && tied(%$v))) {
            die 'returned ' . $kind->($v) . " (blessed or tied) where the signature has $name\n";
        }
        if ($kind_of eq 'None') {
            return 'null' unless defined $v;
        } elsif ($kind_of eq 'bool') {
            return $v ? 'true' : 'false' unless $ref;  # Perl's truth: 1, '', 0, undef
        } elsif (!defined $v) {
            # undef is none of the types below
        } elsif ($kind_of eq 'int' || $kind_of eq 'float') {
            return $number->($v + 0, $kind_of eq 'float') if !$ref && $numeric->($v);
        } elsif ($kind_of eq 'str') {
            return $quoted->("$v") unless $ref;
        } elsif (($kind_of eq 'list' || $kind_of eq 'tuple') && $ref eq 'ARRAY') {
            my $arity = @$t - 2;
            die 'returned an array of ' . @$v . " items where the signature has $name\n"
                if $kind_of eq 'tuple' && @$v != $arity;
            my @items = map { $emit->($v->[$_], $kind_of eq 'list' ? $t->[2] : $t->[$_ + 2]) } 0 .. $#$v;
            return '[' . join(', ', @items) . ']';
        } elsif ($kind_of eq 'dict' && $ref eq 'HASH') {
            my @pairs;
            for my $key (sort keys %$v) {
                die "returned the key $key where the signature has $name\n"
                    if $t->[2][0] eq 'int' && $key !~ /^-?(?:0|[1-9][0-9]*)\z/;
                push @pairs, $quoted->($key) . ': ' . $emit->($v->{$key}, $t->[3]);
            }
            return '{' . join(', ', @pairs) . '}';
        }
        die 'returned ' . $kind->($v) . " where the signature has $name\n";
    };
    # A sub's list of results as one value: a tuple may come back as a list of values.
    my $value = sub {
        my ($results) = @_;
        return $results->[0] if @$results <= 1;
        my $t = $returns->[0] eq 'optional' ? $returns->[2] : $returns;
        return [@$results] if $t->[0] eq 'tuple' && @$results == @$t - 2;
        die 'returned a list of ' . @$results . ' values where the signature has '
            . "$returns->[1] (return a reference: [...] or \\\@list)\n";
    };

    utf8::encode($source);  # its UTF-8 bytes, as perl reads a file: `use utf8` decides
    $loading = 0;
    PsftDriver::load("package main; \$PsftDriver::loading = 1;\n#line 1 \"solution.pl\"\n$source");
    my $failure = $@;
    if ($failure ne '' && !$loading) {
        $report->('compile ' . $text->($failure));
        $exit->(0);
    }
    my $entry = do { no strict 'refs'; defined &{"main::$entry_name"} ? \&{"main::$entry_name"} : undef };
    if ($failure ne '' || !defined $entry) {
        my $why = $failure ne '' ? $failure : "no sub $entry_name is defined in package main";
        $why = $text->("loading the program: $why");
        $report->("$_ error $why") for 0 .. $#$calls;
    } else {
        for my $index (0 .. $#$calls) {
            my @args = $calls->[$index]->();
            my @results;
            my $line;
            if (eval { @results = $entry->(@args); 1 }) {
                my $json = eval { local $SIG{__DIE__}; $emit->($value->(\@results), $returns) };
                $line = defined $json ? "ok $json" : 'error ' . $text->($@);
            } else {
                $line = 'error ' . $text->($@ eq '' ? 'died' : $@);
            }
            $report->("$index $line");
        }
    }
    $report->('done');
    $exit->(0);  # no END block or DESTROY of the candidate's runs after this
}

package main;
