using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Agent.Configuration;

/// <summary>Layers the JSON file, DASHBOARD_AGENT__ variables and flags, then reads and validates the result.</summary>
public static class AgentConfigurationLoader
{
    /// <param name="configFile">JSON file (comments and trailing commas allowed); null for variables and flags only.</param>
    /// <param name="overrides">Flag values by key, applied last.</param>
    /// <param name="forSending">False for a dry run: no server or token is needed.</param>
    /// <param name="environment">The process environment unless given.</param>
    public static ConfigurationOutcome Load(string? configFile, IEnumerable<KeyValuePair<string, string?>> overrides, bool forSending,
        IDictionary? environment = null)
    {
        var errors = new List<string>();
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            var fullPath = Path.GetFullPath(configFile);
            if (!File.Exists(fullPath))
            {
                return ConfigurationOutcome.Failed([$"--config: '{configFile}' does not exist"]);
            }

            builder.AddJsonFile(fullPath, optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(LastWins(FromEnvironment(environment ?? Environment.GetEnvironmentVariables())));
        builder.AddInMemoryCollection(LastWins(overrides));

        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            return ConfigurationOutcome.Failed([$"--config: '{configFile}' is not valid JSON: {(e.InnerException ?? e).Message}"]);
        }

        var options = new AgentOptionsReader(configuration, errors).Read();
        // A key whose value could not be read is reported once, not again as missing or out of range.
        var unreadable = errors.Select(KeyOf).ToHashSet(StringComparer.OrdinalIgnoreCase);
        errors.AddRange(AgentOptionsValidator.Validate(options, forSending).Where(e => !unreadable.Contains(KeyOf(e))));
        string? token = null;
        if (errors.Count == 0 && forSending)
        {
            token = ResolveToken(options, errors);
        }

        return errors.Count > 0 ? ConfigurationOutcome.Failed(errors) : new ConfigurationOutcome(options, token, errors);
    }

    /// <summary>DASHBOARD_AGENT__Collectors__Ipvs__Enabled=true becomes Collectors:Ipvs:Enabled, as the configuration's own variable provider maps them.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(IDictionary environment)
    {
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(AgentConfigNames.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                && name.Length > AgentConfigNames.EnvironmentPrefix.Length)
            {
                yield return new(name[AgentConfigNames.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), entry.Value as string);
            }
        }
    }

    private static string KeyOf(string error) => error[..Math.Max(0, error.IndexOf(": ", StringComparison.Ordinal))];

    /// <summary>Keys are case-insensitive, and a key given twice (--server and --set Server=…) keeps its last value.</summary>
    private static Dictionary<string, string?> LastWins(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in pairs)
        {
            values[key] = value;
        }

        return values;
    }

    private static string? ResolveToken(AgentOptions options, List<string> errors)
    {
        if (options.TokenFile is null)
        {
            return options.Token;
        }

        try
        {
            var token = File.ReadAllText(options.TokenFile).Trim();
            if (token.Length == 0 || token.Any(char.IsWhiteSpace))
            {
                errors.Add($"{AgentConfigNames.TokenFile}: '{options.TokenFile}' must hold the token alone on one line");
                return null;
            }

            return token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{AgentConfigNames.TokenFile}: '{options.TokenFile}' cannot be read: {e.Message}");
            return null;
        }
    }
}
