namespace Dashboard.Core.Iptables;

/// <summary>The iptables options a parser has to recognize, with their long forms folded to the short ones iptables-save prints.</summary>
internal static class IptablesOptions
{
    public static ReadOnlySpan<byte> Append => "-A"u8;
    public static ReadOnlySpan<byte> Jump => "-j"u8;
    public static ReadOnlySpan<byte> Goto => "-g"u8;
    public static ReadOnlySpan<byte> Match => "-m"u8;
    public static ReadOnlySpan<byte> Source => "-s"u8;
    public static ReadOnlySpan<byte> SetCounters => "-c"u8;
    public static ReadOnlySpan<byte> Not => "!"u8;
    public static ReadOnlySpan<byte> CommentModule => "comment"u8;
    public static ReadOnlySpan<byte> Comment => "--comment"u8;
    public static ReadOnlySpan<byte> MacSource => "--mac-source"u8;
    public static ReadOnlySpan<byte> PhysdevIn => "--physdev-in"u8;
    public static ReadOnlySpan<byte> PhysdevOut => "--physdev-out"u8;
    public static ReadOnlySpan<byte> State => "--state"u8;
    public static ReadOnlySpan<byte> ConntrackState => "--ctstate"u8;
    public static ReadOnlySpan<byte> Invalid => "INVALID"u8;

    public static ReadOnlySpan<byte> ShortForm(ReadOnlySpan<byte> option)
    {
        if (option.Length < 5 || option[0] != (byte)'-' || option[1] != (byte)'-')
        {
            return option;
        }

        // Dispatch on length first: this runs for every option of every rule.
        return option.Length switch
        {
            5 when option.SequenceEqual("--src"u8) => Source,
            5 when option.SequenceEqual("--dst"u8) => "-d"u8,
            6 when option.SequenceEqual("--jump"u8) => Jump,
            6 when option.SequenceEqual("--goto"u8) => Goto,
            7 when option.SequenceEqual("--match"u8) => Match,
            8 when option.SequenceEqual("--append"u8) => Append,
            8 when option.SequenceEqual("--source"u8) => Source,
            10 when option.SequenceEqual("--protocol"u8) => "-p"u8,
            10 when option.SequenceEqual("--fragment"u8) => "-f"u8,
            13 when option.SequenceEqual("--destination"u8) => "-d"u8,
            14 when option.SequenceEqual("--in-interface"u8) => "-i"u8,
            14 when option.SequenceEqual("--set-counters"u8) => SetCounters,
            15 when option.SequenceEqual("--out-interface"u8) => "-o"u8,
            _ => option,
        };
    }

    /// <summary>An option rather than a value: starts with '-' and is not a negative number.</summary>
    public static bool IsOption(ReadOnlySpan<byte> argument) =>
        argument.Length >= 2 && argument[0] == (byte)'-' && !char.IsAsciiDigit((char)argument[1]);

    /// <summary>Options of iptables itself (not of a -m module), which a module's option list cannot absorb.</summary>
    public static bool IsBuiltin(ReadOnlySpan<byte> shortForm) =>
        shortForm.Length == 2 && shortForm[0] == (byte)'-' && shortForm[1] is (byte)'s' or (byte)'d' or (byte)'p'
            or (byte)'i' or (byte)'o' or (byte)'f' or (byte)'m' or (byte)'j' or (byte)'g' or (byte)'c';

    /// <summary>A comma list such as RELATED,INVALID names the INVALID state.</summary>
    public static bool ListsInvalid(ReadOnlySpan<byte> states)
    {
        while (!states.IsEmpty)
        {
            var comma = states.IndexOf((byte)',');
            var state = comma < 0 ? states : states[..comma];
            if (state.SequenceEqual(Invalid))
            {
                return true;
            }

            states = comma < 0 ? default : states[(comma + 1)..];
        }

        return false;
    }
}
