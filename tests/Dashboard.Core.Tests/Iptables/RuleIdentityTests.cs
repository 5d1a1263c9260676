using Dashboard.Core.Iptables;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Iptables;

public sealed class RuleIdentityTests
{
    private static IptablesRule OnlyRule(string ruleLine) =>
        IptablesSaveParser.Parse(TestText.Stream($"*filter\n{ruleLine}\nCOMMIT\n")).Value.Tables[0].Chains.Single().Rules.Single();

    private const string Saved = "[3100:223400] -A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN";

    [Theory]
    [InlineData("[0:0] -A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    [InlineData("[999:1] -A neutron-openvswi-s38833ad6-c -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -j RETURN")]
    [InlineData("-A neutron-openvswi-s38833ad6-c -m mac --mac-source FA:16:3E:C4:20:C7 -s 10.1.26.252/32 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    [InlineData("  -A   neutron-openvswi-s38833ad6-c\t--source 10.1.26.252/32  --match mac --mac-source \"FA:16:3E:C4:20:C7\" --match comment --comment \"Allow traffic from defined IP/MAC pairs.\"  --jump RETURN -c 5 6")]
    public void Of_SameRuleReRendered_KeepsIdentity(string rendering)
    {
        Assert.Equal(OnlyRule(Saved).Identity, OnlyRule(rendering).Identity);
    }

    [Fact]
    public void Of_ModuleOptionsInAnotherOrder_KeepsIdentity()
    {
        var a = OnlyRule("-A neutron-openvswi-sg-chain -m physdev --physdev-in tap38833ad6-c6 --physdev-is-bridged -j neutron-openvswi-o38833ad6-c");
        var b = OnlyRule("-A neutron-openvswi-sg-chain -m physdev --physdev-is-bridged --physdev-in tap38833ad6-c6 -j neutron-openvswi-o38833ad6-c");

        Assert.Equal(a.Identity, b.Identity);
    }

    [Theory]
    [InlineData("-A neutron-openvswi-s38833ad6-c -s 10.1.26.253/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    [InlineData("-A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C8 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    [InlineData("-A neutron-openvswi-s38833ad6-c ! -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    [InlineData("-A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    [InlineData("-A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j DROP")]
    [InlineData("-A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -g RETURN")]
    [InlineData("-A neutron-openvswi-s38833ad6-c -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Another comment.\" -j RETURN")]
    [InlineData("-A neutron-openvswi-s0695f2ca-b -s 10.1.26.252/32 -m mac --mac-source FA:16:3E:C4:20:C7 -m comment --comment \"Allow traffic from defined IP/MAC pairs.\" -j RETURN")]
    public void Of_ChangedMatchValueTargetCommentOrChain_ChangesIdentity(string changed)
    {
        Assert.NotEqual(OnlyRule(Saved).Identity, OnlyRule(changed).Identity);
    }

    [Fact]
    public void Compute_DifferentTableOrTargetOptions_ChangesIdentity()
    {
        var filter = RuleIdentity.Compute("filter", "PREROUTING", null, "CT", false, "--zone 4097", "-m physdev --physdev-in tap1");

        Assert.NotEqual(filter, RuleIdentity.Compute("raw", "PREROUTING", null, "CT", false, "--zone 4097", "-m physdev --physdev-in tap1"));
        Assert.NotEqual(filter, RuleIdentity.Compute("filter", "PREROUTING", null, "CT", false, "--zone 4098", "-m physdev --physdev-in tap1"));
        Assert.Equal(filter, RuleIdentity.Compute("filter", "PREROUTING", null, "CT", false, "  --zone   4097 ", "-m  physdev   --physdev-in tap1"));
    }

    [Fact]
    public void Of_ParsedRule_MatchesComputeOverItsFields()
    {
        var rule = OnlyRule(Saved);

        Assert.Equal(rule.Identity, RuleIdentity.Of("filter", "neutron-openvswi-s38833ad6-c", rule));
        Assert.Matches("^[0-9a-f]{16}$", rule.Identity);
    }

    [Fact]
    public void Of_ListAndSaveFormsOfTheSameNeutronRule_IdentityIsPerFormat()
    {
        // The list format prints matches differently (MAC x, /* c */), so its identity is its own: compare within one format only.
        var saved = OnlyRule(Saved);
        var listed = IptablesListParser.Parse(TestText.Stream(
            "Chain neutron-openvswi-s38833ad6-c (1 references)\n pkts bytes target prot opt in out source destination\n 1 2 RETURN all -- * * 10.1.26.252 0.0.0.0/0 MAC FA:16:3E:C4:20:C7 /* Allow traffic from defined IP/MAC pairs. */\n"))
            .Value.Tables[0].Chains[0].Rules[0];

        Assert.NotEqual(saved.Identity, listed.Identity);
        Assert.Equal(saved.Comment, listed.Comment);
    }

    [Theory]
    [InlineData("", "ef46db3751d8e999")]
    [InlineData("abc", "44bc2cf5ad770999")]
    [InlineData("filter\nneutron-openvswi-s38833ad6-c\n", "ea0fb1e63deff5c9")]
    public void XxHash64_ReferenceVectors_MatchLibxxhash(string text, string expected)
    {
        // Expected values computed with the reference C library (libxxhash 0.8.1, XXH64, seed 0); identities are these hashes.
        Assert.Equal(expected, System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(text)).ToString("x16"));
    }

    [Fact]
    public void XxHash64_HundredBytesCoversTheStripeLoop_MatchesLibxxhash()
    {
        var bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        Assert.Equal(0x6ac1e58032166597UL, System.IO.Hashing.XxHash64.HashToUInt64(bytes));
    }
}
