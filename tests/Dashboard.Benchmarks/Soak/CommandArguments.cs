using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>`--name value` and `--flag` arguments of the soak and wallcost commands; an unknown or malformed one is an error.</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private CommandArguments()
    {
    }

    public static CommandArguments Parse(string[] args, IReadOnlySet<string> valueNames, IReadOnlySet<string> flagNames)
    {
        var parsed = new CommandArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (flagNames.Contains(name))
            {
                parsed._values[name] = null;
            }
            else if (valueNames.Contains(name) && i + 1 < args.Length)
            {
                parsed._values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{name}'; expected {string.Join(", ", valueNames.Select(v => v + " VALUE").Concat(flagNames))}");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public double Number(string name, double fallback)
    {
        if (!_values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"{name}: '{text}' is not a non-negative number");
    }
}
