using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>A process and all its descendants, from the parent ids in /proc: a browser is a dozen processes.</summary>
public static class ProcessTree
{
    public static IReadOnlyList<int> Of(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(children.GetValueOrDefault(tree[i]) ?? []);
        }

        return tree;
    }

    /// <summary>CPU seconds used so far by the processes of these trees that still run.</summary>
    public static double CpuSeconds(IEnumerable<int> roots) => roots.SelectMany(Of).Sum(ProcessStats.CpuSecondsOf);

    /// <summary>Proportional set size of the trees (shared pages split between their users), so that a dozen helpers are not counted a dozen times.</summary>
    public static long PssBytes(IEnumerable<int> roots) => roots.SelectMany(Of).Sum(pid =>
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0L : long.Parse(line["Pss:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0L;
        }
    });
}
