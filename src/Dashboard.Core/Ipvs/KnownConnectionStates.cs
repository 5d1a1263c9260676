namespace Dashboard.Core.Ipvs;

/// <summary>State names the kernel prints in ip_vs_conn (TCP, UDP, both SCTP tables, template states, error strings).</summary>
internal static class KnownConnectionStates
{
    /// <summary>Not a name: the id under which persistence templates are counted apart.</summary>
    public const int Template = 0;

    public const int None = 1;
    public const int Established = 2;
    public const int SynSent = 3;
    public const int SynRecv = 4;
    public const int FinWait = 5;
    public const int TimeWait = 6;
    public const int Close = 7;
    public const int CloseWait = 8;
    public const int LastAck = 9;
    public const int Listen = 10;
    public const int SynAck = 11;
    public const int Udp = 12;
    public const int Assured = 13;

    /// <summary>In id order from <see cref="None"/>; the first thirteen match the constants above.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
        "LISTEN", "SYNACK", "UDP", "ASSURED",
        "BUG!", "ERR!", "?",
        // SCTP, newer kernels.
        "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED", "S-SENT", "S-RECEIVED", "S-ACK-SENT",
        "REJECTED", "CLOSED",
        // SCTP, 2.6.3x-3.1x kernels, including their "ESTABISHED" misspelling.
        "INIT_CLI", "INIT_SER", "INIT_ACK_CLI", "INIT_ACK_SER", "COOKIE_ECHO_CLI", "COOKIE_ECHO_SER", "ESTABISHED",
        "SHUTDOWN_CLI", "SHUTDOWN_SER", "SHUTDOWN_ACK_CLI", "SHUTDOWN_ACK_SER",
    ];

    /// <summary>The TCP names that fill real tables, without a hash lookup; -1 sends the caller to the name table.</summary>
    public static int FindCommon(ReadOnlySpan<byte> name) => name.Length switch
    {
        11 when name.SequenceEqual("ESTABLISHED"u8) => Established,
        8 when name.SequenceEqual("FIN_WAIT"u8) => FinWait,
        8 when name.SequenceEqual("SYN_RECV"u8) => SynRecv,
        8 when name.SequenceEqual("SYN_SENT"u8) => SynSent,
        8 when name.SequenceEqual("LAST_ACK"u8) => LastAck,
        9 when name.SequenceEqual("TIME_WAIT"u8) => TimeWait,
        5 when name.SequenceEqual("CLOSE"u8) => Close,
        10 when name.SequenceEqual("CLOSE_WAIT"u8) => CloseWait,
        4 when name.SequenceEqual("NONE"u8) => None,
        3 when name.SequenceEqual("UDP"u8) => Udp,
        _ => -1,
    };
}
