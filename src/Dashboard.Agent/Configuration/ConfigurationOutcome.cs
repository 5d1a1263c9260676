namespace Dashboard.Agent.Configuration;

/// <summary>Options ready to use, or every configuration error (each naming its key).</summary>
public sealed record ConfigurationOutcome(AgentOptions? Options, string? Token, IReadOnlyList<string> Errors)
{
    public bool Succeeded => Options is not null && Errors.Count == 0;

    public static ConfigurationOutcome Failed(IReadOnlyList<string> errors) => new(null, null, errors);

    /// <summary>The single message printed on a bad configuration.</summary>
    public string Describe() => "invalid configuration:" + string.Concat(Errors.Select(static e => Environment.NewLine + "  " + e));
}
