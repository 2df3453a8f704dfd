# psft: function-problem driver (languages/elixir.py runs it with the token on fd 3)
#
# The Elixir test driver (protocol: languages/functions.py). The run command reads the
# token from stdin in a shell and execs the BEAM with stdin on /dev/null and the token in a
# pipe on fd 3, so no file the candidate can reopen (/proc/self/fd/0) leads to it. The
# driver reads that pipe before any candidate code exists and keeps the token in a private
# ETS table: not in a frame of a process that runs candidate code. The candidate's program
# is compiled, and each call made, in a process of its own (a crash, an exit or a kill
# fails that call only); the driver only receives the result and writes it, by the
# signature's type, to a port on fd 1 of its own (not through a group leader the
# candidate could replace). Once the candidate's code is loaded, the driver calls only its
# own functions (locally: a module the candidate redefines does not reach running code)
# and Erlang's sticky kernel and stdlib modules, never an Elixir module or protocol the
# candidate could redefine, nor the value's String.Chars or Inspect.
defmodule PsftDriver do
  @moduledoc false

  def main(source, entry, arity, returns, calls) do
    table = hold_token()
    out = :erlang.open_port({:fd, 0, 1}, [:out, :binary])
    loaded = isolated(fn -> load(source, entry, arity) end)

    case loaded do
      {:value, {:compile, message}} ->
        report(out, table, "compile " <> json_string(message))

      _ ->
        run_calls(out, table, loaded, entry, returns, calls, 0)
        # System.stop/1 shuts down asynchronously: never say done on the way out.
        case :init.get_status() do
          {:stopping, _} -> :timer.sleep(:infinity)
          _ -> report(out, table, "done")
        end
    end
  end

  defp run_calls(_out, _table, _loaded, _entry, _returns, [], _index), do: :ok

  defp run_calls(out, table, loaded, entry, returns, [args | more], index) do
    line =
      case loaded do
        {:value, {:ok, module}} ->
          case isolated(fn -> :erlang.apply(module, entry, args) end) do
            {:value, value} -> render(value, returns)
            {:raised, message} -> "error " <> json_string(message)
          end

        {:value, {:load, message}} ->
          "error " <> json_string("loading the program: " <> message)

        {:raised, message} ->
          "error " <> json_string("loading the program: " <> message)
      end

    report(out, table, :erlang.integer_to_binary(index) <> " " <> line)
    run_calls(out, table, loaded, entry, returns, more, index + 1)
  end

  defp hold_token do
    table = :ets.new(:psft_token, [:private])
    port = :erlang.open_port({:fd, 3, 2}, [:in, :binary, :eof])
    :ets.insert(table, {:token, :string.trim(read_all(port, ""))})
    table
  end

  defp read_all(port, acc) do
    receive do
      {^port, {:data, data}} -> read_all(port, acc <> data)
      {^port, :eof} -> acc
    end
  end

  # A newline first: a candidate's print without one cannot swallow the report.
  defp report(out, table, line) do
    [{:token, token}] = :ets.lookup(table, :token)
    :erlang.port_command(out, "\n" <> token <> " " <> line <> "\n")
  end

  # `work` in a fresh process: {:value, result} or {:raised, message}.
  defp isolated(work) do
    {_pid, ref} =
      :erlang.spawn_monitor(fn ->
        outcome =
          try do
            {:value, work.()}
          catch
            kind, reason -> {:raised, describe(kind, reason)}
          end

        :erlang.exit({:psft_outcome, outcome})
      end)

    receive do
      {:DOWN, ^ref, :process, _, {:psft_outcome, outcome}} -> outcome
      {:DOWN, ^ref, :process, _, :killed} -> {:raised, "the call's process was killed"}
      {:DOWN, ^ref, :process, _, _} -> {:raised, "the call's process exited"}
    end
  end

  # Runs in the call's process (where candidate code may run: Exception.message, inspect).
  defp describe(kind, reason) do
    text =
      try do
        case kind do
          :error ->
            exception = Exception.normalize(:error, reason, [])
            inspect(exception.__struct__) <> ": " <> Exception.message(exception)

          _ ->
            :erlang.atom_to_binary(kind, :utf8) <> ": " <> inspect(reason, limit: 20)
        end
      catch
        _, _ -> "an exception whose message raised"
      end

    if String.valid?(text), do: String.slice(text, 0, 300), else: "an exception"
  end

  # The candidate's program, compiled: {:ok, module defining the entry point},
  # {:compile, why} or {:load, why}.
  defp load(source, entry, arity) do
    modules =
      try do
        Code.compile_string(source, "solution.exs")
      catch
        :error, %{__struct__: kind} = error
        when kind in [SyntaxError, TokenMissingError, CompileError] ->
          {:compile, inspect(kind) <> ": " <> Exception.message(error)}
      end

    case modules do
      {:compile, _} = failed ->
        failed

      _ ->
        found = for {module, _} <- modules, function_exported?(module, entry, arity), do: module

        case found do
          [module | _] -> {:ok, module}
          [] -> {:load, "no module defines #{entry}/#{arity}"}
        end
    end
  end

  # `value` as canonical JSON of `type` ({kind, "Elixir type", part...}): "ok JSON", or
  # "error WHY" where the value is not of the signature's type.
  defp render(value, type) do
    "ok " <> :erlang.iolist_to_binary(walk(value, type))
  catch
    :throw, {:psft_bad, why} -> "error " <> json_string(why)
    _, _ -> "error " <> json_string("returned a value the driver cannot write")
  end

  defp walk(v, {:int, _}) when is_integer(v), do: :erlang.integer_to_binary(v)
  defp walk(v, {:float, _}) when is_float(v), do: :io_lib_format.fwrite_g(v)
  defp walk(v, {:float, _} = t) when is_integer(v), do: walk(v * 1.0, t)
  defp walk(v, {:bool, _}) when is_boolean(v), do: :erlang.atom_to_binary(v, :utf8)
  defp walk(v, {:str, _}) when is_binary(v), do: json_string(v)
  defp walk(nil, {:none, _}), do: "null"
  defp walk(nil, {:optional, _, _}), do: "null"
  defp walk(v, {:optional, _, inner}), do: walk(v, inner)
  defp walk(v, {:list, _, item} = t) when is_list(v), do: ["[", items(v, item, t), "]"]

  defp walk(v, {:tuple, _, parts}) when is_tuple(v) and tuple_size(v) == tuple_size(parts),
    do: ["[", fields(v, parts, 0), "]"]

  defp walk(v, {:dict, _, key, item} = t) when is_map(v) do
    if :maps.is_key(:__struct__, v), do: bad(v, t)
    ["{", pairs(:maps.to_list(v), key, item, t), "}"]
  end

  defp walk(v, t), do: bad(v, t)

  defp items([], _item, _t), do: []
  defp items([v], item, _t), do: [walk(v, item)]
  defp items([v | more], item, t) when is_list(more), do: [walk(v, item), "," | items(more, item, t)]
  defp items(improper, _item, t), do: bad(improper, t)

  defp fields(_v, parts, i) when i == tuple_size(parts), do: []

  defp fields(v, parts, i) do
    rest = fields(v, parts, i + 1)
    item = walk(:erlang.element(i + 1, v), :erlang.element(i + 1, parts))
    if i == 0, do: [item | rest], else: ["," | [item | rest]]
  end

  defp pairs([], _key, _item, _t), do: []

  defp pairs([{k, x} | more], key, item, t) do
    rendered =
      case key do
        {:int, _} when is_integer(k) -> json_string(:erlang.integer_to_binary(k))
        {:str, _} when is_binary(k) -> json_string(k)
        _ -> bad(k, key)
      end

    sep = if more == [], do: [], else: [","]
    [rendered, ":", walk(x, item), sep | pairs(more, key, item, t)]
  end

  defp bad(v, t) do
    name = :erlang.element(2, t)
    throw({:psft_bad, "returned " <> kind_of(v) <> " where the signature has " <> name})
  end

  defp kind_of(v) do
    cond do
      v == nil -> "nil"
      is_boolean(v) -> :erlang.atom_to_binary(v, :utf8)
      is_atom(v) -> "an atom"
      is_integer(v) -> "an integer"
      is_float(v) -> "a float"
      is_binary(v) -> "a binary"
      is_list(v) -> "a list (or an improper one)"
      is_tuple(v) -> "a tuple of " <> :erlang.integer_to_binary(tuple_size(v))
      is_map(v) and :maps.is_key(:__struct__, v) -> "a struct"
      is_map(v) -> "a map"
      is_function(v) -> "a function"
      true -> "a term of another kind"
    end
  end

  # A JSON string, ASCII only: other characters as \u escapes (surrogate pairs past U+FFFF).
  defp json_string(text), do: :erlang.iolist_to_binary(["\"", escape(text), "\""])

  defp escape(<<>>), do: []
  defp escape(<<c, rest::binary>>) when c == ?" or c == ?\\, do: [<<?\\, c>> | escape(rest)]
  defp escape(<<c, rest::binary>>) when c >= 0x20 and c < 0x7F, do: [<<c>> | escape(rest)]

  defp escape(<<c::utf8, rest::binary>>) when c < 0x10000, do: [hex(c) | escape(rest)]

  defp escape(<<c::utf8, rest::binary>>) do
    n = c - 0x10000
    [hex(0xD800 + div(n, 0x400)), hex(0xDC00 + rem(n, 0x400)) | escape(rest)]
  end

  defp escape(_), do: throw({:psft_bad, "returned a binary that is not valid UTF-8"})

  defp hex(n) do
    digits = :erlang.integer_to_binary(n, 16)
    ["\\u", :binary.copy("0", 4 - byte_size(digits)), digits]
  end
end

PsftDriver.main(@SOURCE@, @ENTRY@, @ARITY@, @RETURNS@, @CALLS@)
