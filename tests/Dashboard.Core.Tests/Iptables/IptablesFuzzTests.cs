using System.Text;
using Dashboard.Core.Iptables;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Iptables;

public sealed class IptablesFuzzTests
{
    public static TheoryData<string> SaveSamples => new()
    {
        "openstack-neutron__test_iptables_firewall_RAW_TABLE_OUTPUT_iptables-save.txt",
        "seed",
    };

    internal static byte[] Sample(string name) =>
        name == "seed" ? Encoding.UTF8.GetBytes(NeutronSeedDump.Text) : TestText.FixtureBytes(name);

    [Theory]
    [MemberData(nameof(SaveSamples))]
    public void SaveParse_MutatedSamples_NeverThrowsAndReportsRealLines(string sample)
    {
        foreach (var (name, bytes) in new InputMutator(20240611).Catalogue(Sample(sample)))
        {
            ParserContract.Holds(IptablesSaveParser.Parse, bytes, $"{sample}/{name}", d => d.Warnings);
        }
    }

    [Fact]
    public void ListParse_MutatedSample_NeverThrowsAndReportsRealLines()
    {
        var sample = TestText.FixtureBytes("openstack-neutron__test_iptables_manager_TRAFFIC_COUNTERS_DUMP_iptables-L-n-v-x.txt");

        foreach (var (name, bytes) in new InputMutator(77).Catalogue(sample))
        {
            ParserContract.Holds(s => IptablesListParser.Parse(s), bytes, name, d => d.Warnings);
        }
    }

    [Fact]
    public void Parsers_RandomBytes_NeverThrow()
    {
        var random = new Random(1234);
        for (var round = 0; round < 200; round++)
        {
            var bytes = InputMutator.RandomBytes(random, random.Next(0, 3000));
            ParserContract.Holds(IptablesSaveParser.Parse, bytes, $"save/{round}", d => d.Warnings);
            ParserContract.Holds(s => IptablesListParser.Parse(s), bytes, $"list/{round}", d => d.Warnings);
        }
    }

    [Fact]
    public void SaveParse_TenMegabyteLineBeforeSample_SkipsItAndParsesTheRest()
    {
        var bytes = new InputMutator(1).Catalogue(Encoding.UTF8.GetBytes(NeutronSeedDump.Text)).Single(m => m.Name == "ten-megabyte-line").Bytes;

        var outcome = ParserContract.Holds(IptablesSaveParser.Parse, bytes, "10MB", d => d.Warnings);

        Assert.Equal(1, outcome.Diagnostics[0].Line);
        Assert.Equal(33, outcome.Value.Tables.Single().Chains.Sum(c => c.Rules.Count));
    }

    [Fact]
    public void SaveParse_CrlfAndNulBytes_StillReadsEveryRule()
    {
        var crlf = Encoding.UTF8.GetBytes(NeutronSeedDump.Text.Replace("\n", "\r\n", StringComparison.Ordinal));
        var nul = Encoding.UTF8.GetBytes(NeutronSeedDump.Text.Replace(" -j ", " \0-j ", StringComparison.Ordinal));

        var fromCrlf = IptablesSaveParser.Parse(TestText.Stream(crlf)).Value;
        var fromNul = IptablesSaveParser.Parse(TestText.Stream(nul)).Value;

        Assert.Equal(33, fromCrlf.Tables[0].Chains.Sum(c => c.Rules.Count));
        Assert.Equal(33, fromNul.Tables[0].Chains.Sum(c => c.Rules.Count));
        Assert.Equal(
            fromCrlf.Tables[0].Chains.SelectMany(c => c.Rules).Select(r => r.Identity),
            fromNul.Tables[0].Chains.SelectMany(c => c.Rules).Select(r => r.Identity));
    }

    [Fact]
    public void SaveParse_OneLineCorruptedAnywhere_LosesAtMostThatRule()
    {
        var lines = NeutronSeedDump.Text.Split('\n');
        var random = new Random(99);
        for (var round = 0; round < 60; round++)
        {
            var copy = (string[])lines.Clone();
            var at = random.Next(copy.Length);
            copy[at] = random.Next(2) == 0 ? "\"\"\"[[[:::" : "\0\0\u00ff-A";

            var outcome = ParserContract.Holds(IptablesSaveParser.Parse, Encoding.UTF8.GetBytes(string.Join("\n", copy)), $"line {at + 1}", d => d.Warnings);

            var rules = outcome.Value.Tables.SelectMany(t => t.Chains).Sum(c => c.Rules.Count);
            Assert.InRange(rules, 32, 33);
        }
    }
}
