namespace Dashboard.Benchmarks;

public static class InputGenerators
{
    public static IReadOnlyList<IInputGenerator> All { get; } = typeof(InputGenerators).Assembly.GetTypes()
        .Where(t => typeof(IInputGenerator).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
        .Select(t => (IInputGenerator)Activator.CreateInstance(t)!)
        .OrderBy(g => g.Name, StringComparer.Ordinal)
        .ToList();

    public static int Run(string[] args)
    {
        var generator = args.Length >= 3 ? All.FirstOrDefault(g => g.Name == args[0]) : null;
        if (generator is null || !int.TryParse(args[1], out var lines) || lines < 0)
        {
            Console.Error.WriteLine($"usage: generate {string.Join('|', All.Select(g => g.Name))} LINES FILE [SEED]");
            return 2;
        }

        var seed = args.Length > 3 && int.TryParse(args[3], out var s) ? s : 42;
        using var output = new StreamWriter(args[2], append: false, new System.Text.UTF8Encoding(false), 1 << 20);
        output.NewLine = "\n";
        generator.Write(output, lines, seed);
        return 0;
    }
}
