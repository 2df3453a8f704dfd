# The Bash test driver (protocol: languages/functions.py). Generated above this text:
# __PSFT_SOURCE (the candidate's code, single-quoted), __PSFT_ENTRY, __PSFT_RETURNS (the
# return type: "int", "list str", "optional float", ...), __PSFT_TOTAL and __psft_calls
# (one `__psft_call INDEX ARG...` per test).
#
# Two processes. The parent never runs candidate code: it reads the token, points its
# stdin at /dev/null, checks the candidate's syntax with `bash -n`, then starts a fresh
# bash on this same file as the child (exec'd, so no token in its memory or environment).
# The child evals the candidate's code at the top level, calls the function in a command
# substitution per test (a subshell: fresh state each call) and sends what it printed,
# NUL-framed, on fd 3. The parent reads those frames as claims, in order and once each,
# turns the printed text into canonical JSON by the return type with its own code
# (nothing from a frame is ever evaluated: no eval, no arithmetic on it), and writes the
# token-prefixed lines to its stdout, which the child does not hold.

__psft_say() {
    builtin printf '%s %s\n' "$__psft_token" "$1"
}

# `$1` as a JSON string, into __psft_json.
__psft_json_string() {
    local s=$1 i
    s=${s//"\\"/"\\\\"}
    s=${s//'"'/'\"'}
    for ((i = 1; i < 32; i++)); do
        s=${s//"${__psft_control[i]}"/"${__psft_escape[i]}"}
    done
    __psft_json="\"$s\""
}

# Printed text `$2` as canonical JSON of scalar kind `$1`, into __psft_json; on failure
# status 1 and the reason in __psft_why.
__psft_scalar() {
    local kind=$1 s=$2 sign digits frac exponent lower
    if [[ $kind == str ]]; then
        __psft_json_string "$s"
        return 0
    fi
    s=${s#"${s%%[![:space:]]*}"}
    s=${s%"${s##*[![:space:]]}"}
    case $kind in
    int)
        if [[ $s =~ ^([+-]?)0*([0-9]+)$ ]]; then
            sign=${BASH_REMATCH[1]#+} digits=${BASH_REMATCH[2]}
            [[ $digits == 0 ]] && sign=
            __psft_json=$sign$digits
            return 0
        fi
        ;;
    float)
        lower=${s,,}
        case $lower in
        nan | +nan | -nan) __psft_json=NaN && return 0 ;;
        inf | +inf | infinity | +infinity) __psft_json=Infinity && return 0 ;;
        -inf | -infinity) __psft_json=-Infinity && return 0 ;;
        esac
        if [[ $s =~ ^([+-]?)0*([0-9]*)(\.([0-9]*))?([eE][+-]?[0-9]+)?$ && ${s%%[eE]*} == *[0-9]* ]]
        then
            sign=${BASH_REMATCH[1]#+} digits=${BASH_REMATCH[2]:-0}
            frac=${BASH_REMATCH[4]} exponent=${BASH_REMATCH[5]}
            __psft_json=$sign$digits${frac:+.$frac}
            [[ -z $frac && -z $exponent ]] && __psft_json+=.0
            __psft_json+=$exponent
            return 0
        fi
        ;;
    bool)
        if [[ $s == true || $s == false ]]; then
            __psft_json=$s
            return 0
        fi
        ;;
    esac
    __psft_json_string "${s:0:80}"
    __psft_why="printed $__psft_json where the signature has ${__psft_names[$kind]}"
    return 1
}

declare -A __psft_names=([int]="an integer" [float]="a number" [bool]="true or false")

# What the function printed (`$1`) as a report: "ok JSON" or "error MESSAGE".
__psft_result() {
    local text=$1 kind=${__PSFT_RETURNS% *} item=${__PSFT_RETURNS#* } out= word IFS=$' \t\n'
    local -a words=()
    local blank=${text//[[:space:]]/}
    if [[ $kind == None || ($kind == optional && -z $blank) ]]; then
        if [[ $kind == None && -n $blank ]]; then
            __psft_json_string "${text:0:80}"
            __psft_why="printed $__psft_json where the signature returns nothing"
        else
            __psft_line="ok null"
            return
        fi
    elif [[ $kind == optional ]]; then
        __psft_scalar "$item" "$text" && __psft_line="ok $__psft_json" && return
    elif [[ $kind == list ]]; then
        builtin read -r -d '' -a words <<<"$text"
        for word in "${words[@]}"; do
            __psft_scalar "$item" "$word" || break
            out+=${out:+, }$__psft_json
        done
        if [[ -z $__psft_why ]]; then
            __psft_line="ok [$out]"
            return
        fi
    else
        __psft_scalar "$kind" "$text" && __psft_line="ok $__psft_json" && return
    fi
    __psft_json_string "$__psft_why"
    __psft_line="error $__psft_json"
}

# The parent's loop: the child's frames (kind, index, payload), checked, as report lines.
# Status 0: all reported and `done` written; 1: the frames ended early; 2: one came out
# of turn (forged, or twice).
__psft_relay() {
    local kind index data expected=0 i
    while IFS= builtin read -r -d '' kind && IFS= builtin read -r -d '' index &&
        IFS= builtin read -r -d '' data; do
        if [[ $kind == L && $expected == 0 ]]; then
            __psft_json_string "loading the program: $data"
            for ((i = 0; i < __PSFT_TOTAL; i++)); do
                __psft_say "$i error $__psft_json"
            done
            __psft_say done
            return 0
        elif [[ $kind == D && $index == "$__PSFT_TOTAL" && $expected == "$__PSFT_TOTAL" ]]; then
            __psft_say done
            return 0
        elif [[ $kind == [oe] && $index == "$expected" && $expected != "$__PSFT_TOTAL" ]]; then
            __psft_why=
            if [[ $kind == o ]]; then
                __psft_result "$data"
            else
                __psft_json_string "$data"
                __psft_line="error $__psft_json"
            fi
            __psft_say "$index $__psft_line"
            expected=$((expected + 1))
        else
            builtin printf 'bash driver: a result came out of turn (a forged frame?)\n' >&2
            return 2
        fi
    done
    return 1
}

__psft_parent() {
    local __psft_token= message i hex
    IFS= builtin read -r __psft_token || true
    __psft_token=${__psft_token//[[:space:]]/}
    exec 0</dev/null
    shopt -u patsub_replacement 2>/dev/null || true
    __psft_control=() __psft_escape=()
    for ((i = 1; i < 32; i++)); do
        builtin printf -v hex '%02x' "$i"
        builtin printf -v "__psft_control[i]" "\\x$hex"
        __psft_escape[i]="\\u00$hex"
    done
    if ! message=$(builtin printf '%s\n' "$__PSFT_SOURCE" | "$BASH" -n 2>&1); then
        message=${message//"$BASH: "/}
        message=${message//$'\n'/; }
        __psft_json_string "${message:0:300}"
        __psft_say "compile $__psft_json"
        return 0
    fi
    "$BASH" --norc --noprofile "${BASH_SOURCE[0]}" __psft_child 3>&1 1>&2 </dev/null |
        __psft_relay
    local status=("${PIPESTATUS[@]}")
    if ((status[1] != 1)); then
        return "${status[1]}"
    elif ((status[0] > 128)); then
        message="was killed by signal $((status[0] - 128))"
    else
        message="ended with exit status ${status[0]}"
    fi
    builtin printf 'bash driver: the shell running the function %s before the last test\n' \
        "$message" >&2
    return $((status[0] ? status[0] : 1))
}

# The child's call of test `$1` on the arguments after it; its stderr goes to a file
# whose last line, on a failure, is the error's message.
__psft_call() {
    local __psft_index=$1 __psft_out __psft_status __psft_message
    shift
    if __psft_out=$(exec 3>&- </dev/null 2>|"$__psft_stderr" && "$__PSFT_ENTRY" "$@"); then
        builtin printf 'o\0%s\0%s\0' "$__psft_index" "$__psft_out" >&3
    else
        __psft_status=$?
        __psft_message=$(tail -c 300 -- "$__psft_stderr" 2>/dev/null)
        __psft_message=${__psft_message%$'\n'}
        __psft_message=${__psft_message##*$'\n'}
        __psft_message+="${__psft_message:+ }(exit status $__psft_status)"
        builtin printf 'e\0%s\0%s\0' "$__psft_index" "$__psft_message" >&3
    fi
}

if [[ ${1-} != __psft_child ]]; then __psft_parent; exit; fi

# The child, from here on: the candidate's code at the top level (so that its `declare`s
# are global), with the result channel closed while it loads, then the calls.
set --
__psft_stderr=${TMPDIR:-/tmp}/psft-stderr.$$
{ : >"$__psft_stderr"; } 2>/dev/null || __psft_stderr=/dev/null
builtin readonly __PSFT_ENTRY __PSFT_TOTAL __psft_stderr
builtin readonly -f __psft_call __psft_calls
eval "$__PSFT_SOURCE" 3>&-
if ! builtin declare -F -- "$__PSFT_ENTRY" >/dev/null; then
    builtin printf 'L\0\0%s\0' "no function $__PSFT_ENTRY is defined" >&3
    builtin exit 0
fi
__psft_calls
builtin printf 'D\0%s\0\0' "$__PSFT_TOTAL" >&3
builtin exit 0
