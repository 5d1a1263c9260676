using System.Globalization;
using System.Text;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>Markdown printed as the run goes and written to a file at the end, ready to paste into a README.</summary>
public sealed class LoadgenReport(string path)
{
    private readonly StringBuilder _text = new();

    public string Path => System.IO.Path.GetFullPath(path);

    public void Heading(string title) => Emit($"\n## {title}\n");

    public void Line(string text) => Emit(text);

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        var lines = new StringBuilder();
        lines.Append("| ").AppendJoin(" | ", headers).Append(" |\n");
        lines.Append('|').AppendJoin('|', headers.Select((_, i) => all.All(r => LooksNumeric(r[i])) ? "---:" : "---")).Append("|\n");
        foreach (var row in all)
        {
            lines.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        }

        Emit(lines.ToString());
    }

    public void Write()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        File.WriteAllText(Path, _text.ToString());
        Console.WriteLine($"\nResults written to {Path}");
    }

    public static string Number(double value, int decimals = 0) =>
        double.IsNaN(value) ? "–" : value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string LoadAverage()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{fields[0]} / {fields[1]} / {fields[2]}";
    }

    // Figures align right, words left.
    private static bool LooksNumeric(string cell) =>
        cell.Length > 0 && char.IsAsciiDigit(cell[0]) || cell is "–" or "0" || cell.StartsWith("**", StringComparison.Ordinal) && cell.Length > 2 && char.IsAsciiDigit(cell[2]);

    private void Emit(string text)
    {
        Console.WriteLine(text);
        _text.Append(text).Append('\n');
    }
}
