using System.CommandLine;
using Dashboard.Agent.Configuration;

namespace Dashboard.Agent.Cli;

/// <summary>The flags of `run` and `once`; those that override keys are applied over the file and the environment.</summary>
public sealed class ConfigurationFlags
{
    public Option<string?> Config { get; } = new("--config", "-c") { Description = "JSON configuration file", HelpName = "FILE" };

    public Option<string?> Server { get; } = new("--server") { Description = "Override Server", HelpName = "URL" };

    public Option<string?> Host { get; } = new("--host") { Description = "Override Host", HelpName = "NAME" };

    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "Override TokenFile", HelpName = "FILE" };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override any key, e.g. --set Collectors:Ipvs:Enabled=true (repeatable)",
        HelpName = "KEY=VALUE",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Server);
        command.Options.Add(Host);
        command.Options.Add(TokenFile);
        command.Options.Add(Set);
    }

    public bool TryGetOverrides(ParseResult result, out List<KeyValuePair<string, string?>> overrides, out string? error)
    {
        overrides = [];
        error = null;
        Add(overrides, AgentConfigNames.Server, result.GetValue(Server));
        Add(overrides, AgentConfigNames.Host, result.GetValue(Host));
        Add(overrides, AgentConfigNames.TokenFile, result.GetValue(TokenFile));
        foreach (var assignment in result.GetValue(Set) ?? [])
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0)
            {
                error = $"--set '{assignment}': expected KEY=VALUE";
                return false;
            }

            overrides.Add(new(assignment[..equals].Trim().Replace("__", ":", StringComparison.Ordinal), assignment[(equals + 1)..]));
        }

        return true;
    }

    private static void Add(List<KeyValuePair<string, string?>> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides.Add(new(key, value));
        }
    }
}
