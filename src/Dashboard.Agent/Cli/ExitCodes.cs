namespace Dashboard.Agent.Cli;

public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>`once`: the batch was spooled or dropped instead of delivered.</summary>
    public const int NotDelivered = 1;

    /// <summary>Bad command line, bad configuration, unknown format, or nothing usable in the input.</summary>
    public const int Usage = 2;
}
