using System.Text;

namespace Dashboard.Agent.Commands;

/// <summary>
/// Splits a configured command into arguments the way a POSIX shell splits words (blanks, '…', "…", backslash), with no
/// expansion: .NET has no shell-words splitter, and running commands through `sh -c` would add a shell to every cycle.
/// </summary>
public static class CommandLineSplitter
{
    public static bool TrySplit(string command, out List<string> arguments, out string? error)
    {
        arguments = [];
        error = null;
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        arguments.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = command.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        error = $"unterminated ' at character {i + 1}";
                        return false;
                    }

                    current.Append(command, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i++;
                    while (i < command.Length && command[i] != '"')
                    {
                        if (command[i] == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            i++;
                        }

                        current.Append(command[i]);
                        i++;
                    }

                    if (i >= command.Length)
                    {
                        error = "unterminated \"";
                        return false;
                    }

                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 >= command.Length)
                    {
                        error = "trailing backslash";
                        return false;
                    }

                    current.Append(command[++i]);
                    inWord = true;
                    break;
                default:
                    current.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            arguments.Add(current.ToString());
        }

        if (arguments.Count == 0)
        {
            error = "empty command";
            return false;
        }

        return true;
    }

    public static List<string> Split(string command) =>
        TrySplit(command, out var arguments, out var error) ? arguments : throw new FormatException($"command '{command}': {error}");
}
