using System.Globalization;

namespace Dashboard.Agent.Spool;

/// <summary>
/// One spooled batch: its original sequence, the drop count it carries (so losing it can give that count back), its size
/// and when it was written. Both numbers are in the file name, so bounds are kept without opening files.
/// </summary>
public sealed record SpoolEntry(long Sequence, long CarriedDrops, string Path, long Length, DateTimeOffset WrittenAt)
{
    public const string Suffix = ".batch";

    public static string FileName(long sequence, long carriedDrops) =>
        string.Create(CultureInfo.InvariantCulture, $"{sequence:D20}-{carriedDrops}{Suffix}");

    public static bool TryParseName(string fileName, out long sequence, out long carriedDrops)
    {
        sequence = carriedDrops = 0;
        if (!fileName.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        var stem = fileName.AsSpan(0, fileName.Length - Suffix.Length);
        var dash = stem.IndexOf('-');
        return dash > 0
            && long.TryParse(stem[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out sequence) && sequence > 0
            && long.TryParse(stem[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out carriedDrops);
    }
}
