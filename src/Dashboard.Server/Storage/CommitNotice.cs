using System.Globalization;

namespace Dashboard.Server.Storage;

/// <summary>
/// The NOTIFY a batch's transaction sends to other server instances (delivered only if it commits): which instance stored
/// what for which host, so each can read the batch back instead of missing it.
/// </summary>
public static class CommitNotice
{
    public const string Channel = "dashboard_batches";

    public static string Payload(ServerInstance from, string role, string host, DateTimeOffset collectedAt) =>
        string.Join('|', from.Id, role, collectedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), host);

    /// <summary>A notice from another instance, or false for one of this instance's own or one not understood.</summary>
    public static bool TryParse(string payload, ServerInstance self, out string role, out string host, out DateTimeOffset collectedAt)
    {
        var parts = payload.Split('|', 4);
        (role, host, collectedAt) = ("", "", default);
        if (parts.Length != 4 || parts[0] == self.Id || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var ticks))
        {
            return false;
        }

        (role, host, collectedAt) = (parts[1], parts[3], new DateTimeOffset(ticks, TimeSpan.Zero));
        return true;
    }
}
