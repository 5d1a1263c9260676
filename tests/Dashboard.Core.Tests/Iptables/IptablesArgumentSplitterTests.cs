using System.Text;
using Dashboard.Core.Iptables;

namespace Dashboard.Core.Tests.Iptables;

public sealed class IptablesArgumentSplitterTests
{
    private static (string[] Arguments, bool Unbalanced) Split(string line)
    {
        var splitter = new IptablesArgumentSplitter();
        splitter.Split(Encoding.UTF8.GetBytes(line));
        var arguments = Enumerable.Range(0, splitter.Count).Select(i => Encoding.UTF8.GetString(splitter[i])).ToArray();
        return (arguments, splitter.UnbalancedQuote);
    }

    [Theory]
    [InlineData("-A  X\t-j   DROP ", new[] { "-A", "X", "-j", "DROP" })]
    [InlineData("--comment \"a b\" -j X", new[] { "--comment", "a b", "-j", "X" })]
    [InlineData("--comment \"say \\\"hi\\\"\"", new[] { "--comment", "say \"hi\"" })]
    [InlineData("--comment \"C:\\\\temp\"", new[] { "--comment", "C:\\temp" })]
    [InlineData("abc\"def ghi\"jkl", new[] { "abcdef ghi", "jkl" })]
    [InlineData("--comment \"\" -j X", new[] { "--comment", "", "-j", "X" })]
    [InlineData("a\\b", new[] { "a\\b" })]
    [InlineData("", new string[0])]
    public void Split_IptablesRestoreQuoting_GivesTheArguments(string line, string[] expected)
    {
        var (arguments, unbalanced) = Split(line);

        Assert.Equal(expected, arguments);
        Assert.False(unbalanced);
    }

    [Theory]
    [InlineData("--comment \"open", "open")]
    [InlineData("--comment \"ends in backslash\\", "ends in backslash\\")]
    public void Split_UnclosedQuote_RunsToTheEndAndIsFlagged(string line, string last)
    {
        var (arguments, unbalanced) = Split(line);

        Assert.True(unbalanced);
        Assert.Equal(last, arguments[^1]);
    }
}
