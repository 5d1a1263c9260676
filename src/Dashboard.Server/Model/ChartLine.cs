namespace Dashboard.Server.Model;

/// <summary>One named line of a time chart: points at UTC instants.</summary>
public sealed record ChartLine(string Name, IReadOnlyList<ChartValue> Points);

public readonly record struct ChartValue(DateTimeOffset At, double Value);
