namespace Dashboard.Core.Iptables;

/// <summary>
/// Stable identity of a rule across dumps: 16 hex digits of XXH64 over table, chain, comment, target (with its
/// options) and the spec with its clauses in canonical order. Counters, spacing, long/short option
/// spellings, quoting and the order of matches do not change it; a changed match, value or target does.
/// </summary>
public static class RuleIdentity
{
    [ThreadStatic]
    private static RuleIdentityHasher? t_hasher;

    public static string Of(string table, string chain, IptablesRule rule) =>
        Compute(table, chain, rule.Comment, rule.Target, rule.Goto, rule.TargetOptions, rule.Spec);

    public static string Compute(string table, string chain, string? comment, string? target, bool isGoto, string? targetOptions, string spec)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(spec);
        t_hasher ??= new RuleIdentityHasher();
        return t_hasher.Compute(table, chain, comment, target, isGoto, targetOptions, spec);
    }
}
