namespace Dashboard.Server.Alerting.Rules;

/// <summary>Annotation names (as in Alertmanager: free text about an alert, not part of its identity).</summary>
public static class AlertAnnotations
{
    public const string Summary = "summary";
    public const string Description = "description";
    public const string Remediation = "remediation";

    public static IReadOnlyDictionary<string, string> Of(string summary, string description, string? remediation = null)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal) { [Summary] = summary, [Description] = description };
        if (remediation is { Length: > 0 })
        {
            result[Remediation] = remediation;
        }

        return result;
    }

    /// <summary>The first sentence of a text: remediations open with the cause, the options follow.</summary>
    public static string FirstSentence(string text)
    {
        for (var i = 0; i < text.Length - 1; i++)
        {
            if ((text[i] == '。' || (text[i] == '.' && char.IsWhiteSpace(text[i + 1]))) && !EndsWithAbbreviation(text, i))
            {
                return text[..(i + 1)];
            }
        }

        return text;
    }

    private static bool EndsWithAbbreviation(string text, int dot) =>
        dot >= 3 && text.AsSpan(dot - 3, 3) is "e.g" or "i.e" or "etc";
}
