using Dashboard.Agent.Commands;

namespace Dashboard.Agent.Tests.Commands;

public sealed class CommandLineSplitterTests
{
    [Theory]
    [InlineData("iptables-save -c", new[] { "iptables-save", "-c" })]
    [InlineData("  ssh   -o BatchMode=yes  host ", new[] { "ssh", "-o", "BatchMode=yes", "host" })]
    [InlineData("ssh esxi 'vsipioctl getfilterstat -f nic-1-eth0-vmware-sfw.2'", new[] { "ssh", "esxi", "vsipioctl getfilterstat -f nic-1-eth0-vmware-sfw.2" })]
    [InlineData("echo \"a \\\"quoted\\\" word\" plain\\ space", new[] { "echo", "a \"quoted\" word", "plain space" })]
    [InlineData("echo ''", new[] { "echo", "" })]
    public void TrySplit_ShellWords_SplitsLikeAShellWithoutExpanding(string command, string[] expected)
    {
        // Act
        var ok = CommandLineSplitter.TrySplit(command, out var arguments, out var error);

        // Assert
        Assert.True(ok, error);
        Assert.Equal(expected, arguments);
    }

    [Theory]
    [InlineData("echo 'open", "unterminated '")]
    [InlineData("echo \"open", "unterminated \"")]
    [InlineData("echo \\", "trailing backslash")]
    [InlineData("   ", "empty command")]
    public void TrySplit_Malformed_SaysWhy(string command, string reason)
    {
        // Act
        var ok = CommandLineSplitter.TrySplit(command, out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }
}
