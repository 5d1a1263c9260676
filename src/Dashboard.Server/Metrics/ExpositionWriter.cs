using System.Globalization;
using System.Text;

namespace Dashboard.Server.Metrics;

/// <summary>
/// Prometheus' text exposition format 0.0.4: a family's HELP and TYPE, then its samples, label values escaped. Labels
/// with no value are left out, which Prometheus reads the same as an empty label.
/// </summary>
public sealed class ExpositionWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(64 * 1024);

    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append(@"\\"),
                '\n' => _text.Append(@"\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string? Value)> labels)
    {
        WriteName(name, labels);
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    public void Sample(string name, long value, params ReadOnlySpan<(string Name, string? Value)> labels)
    {
        WriteName(name, labels);
        _text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public void Sample(string name, ulong value, params ReadOnlySpan<(string Name, string? Value)> labels)
    {
        WriteName(name, labels);
        _text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    public static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void WriteName(string name, ReadOnlySpan<(string Name, string? Value)> labels)
    {
        _text.Append(name);
        var first = true;
        foreach (var (label, value) in labels)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            _text.Append(first ? '{' : ',').Append(label).Append("=\"");
            first = false;
            foreach (var c in value)
            {
                _ = c switch
                {
                    '\\' => _text.Append(@"\\"),
                    '"' => _text.Append("\\\""),
                    '\n' => _text.Append(@"\n"),
                    _ => _text.Append(c),
                };
            }

            _text.Append('"');
        }

        if (!first)
        {
            _text.Append('}');
        }
    }
}
