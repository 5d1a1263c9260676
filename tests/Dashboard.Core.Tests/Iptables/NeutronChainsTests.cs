using Dashboard.Core.Iptables;

namespace Dashboard.Core.Tests.Iptables;

public sealed class NeutronChainsTests
{
    [Theory]
    [InlineData("neutron-openvswi-i38833ad6-c", "38833ad6-c", "i")]
    [InlineData("neutron-openvswi-o38833ad6-c", "38833ad6-c", "o")]
    [InlineData("neutron-openvswi-s38833ad6-c", "38833ad6-c", "s")]
    [InlineData("neutron-linuxbri-i0695f2ca-b", "0695f2ca-b", "i")]
    public void PortChain_PerPortChain_GivesPortPrefixAndDirection(string chain, string port, string direction)
    {
        var reference = NeutronChains.PortChain(chain);

        Assert.Equal((port, direction), (reference!.Port, reference.Direction));
    }

    [Theory]
    [InlineData("neutron-openvswi-sg-chain")]
    [InlineData("neutron-openvswi-sg-fallback")]
    [InlineData("neutron-openvswi-local")]
    [InlineData("neutron-openvswi-FORWARD")]
    [InlineData("neutron-openvswi-INPUT")]
    [InlineData("neutron-openvswi-scope")]
    [InlineData("neutron-filter-top")]
    [InlineData("neutron-l3-agent-i38833ad6-c")]
    [InlineData("neutron-openvswi-x38833ad6-c")]
    [InlineData("neutron-openvswi-i38833AD6-c")]
    [InlineData("neutron-openvswi-i38833ad6c")]
    [InlineData("FORWARD")]
    [InlineData("")]
    public void PortChain_SharedOrForeignChain_IsNull(string chain)
    {
        Assert.Null(NeutronChains.PortChain(chain));
    }

    [Theory]
    [InlineData("tap38833ad6-c6", "38833ad6-c")]
    [InlineData("qvb38833ad6-c6", null)]
    [InlineData("tap38833ad6-c", null)]
    [InlineData("tapzz833ad6-c6", null)]
    public void PortOfTapDevice_TapName_GivesTheTenCharacterPortPrefix(string device, string? port)
    {
        Assert.Equal(port, NeutronChains.PortOfTapDevice(device));
    }

    [Theory]
    [InlineData("neutron-openvswi-s38833ad6-c", NeutronChains.PairDropComment, "DROP", false, NeutronDropKinds.AntiSpoof)]
    [InlineData("neutron-openvswi-s38833ad6-c", null, "DROP", false, NeutronDropKinds.AntiSpoof)]
    [InlineData("neutron-openvswi-o38833ad6-c", NeutronChains.InvalidDropComment, "DROP", true, NeutronDropKinds.ConntrackInvalid)]
    [InlineData("neutron-openvswi-i38833ad6-c", null, "DROP", true, NeutronDropKinds.ConntrackInvalid)]
    [InlineData("neutron-openvswi-o38833ad6-c", NeutronChains.SendToFallbackComment, "neutron-openvswi-sg-fallback", false, NeutronDropKinds.SgFallback)]
    [InlineData("neutron-openvswi-i38833ad6-c", null, "neutron-linuxbri-sg-fallback", false, NeutronDropKinds.SgFallback)]
    [InlineData("neutron-openvswi-sg-fallback", null, "DROP", false, NeutronDropKinds.SgFallback)]
    [InlineData("neutron-openvswi-o38833ad6-c", NeutronChains.DhcpSpoofComment, "DROP", false, NeutronDropKinds.DhcpSpoof)]
    [InlineData("neutron-openvswi-i38833ad6-c", null, "DROP", false, null)]
    [InlineData("neutron-openvswi-o38833ad6-c", null, "RETURN", true, null)]
    [InlineData("INPUT", null, "DROP", false, null)]
    public void DropKindOf_KnownNeutronDropRules_AreNamed(string chain, string? comment, string? target, bool invalidState, string? expected)
    {
        Assert.Equal(expected, NeutronChains.DropKindOf(chain, comment, target, invalidState));
    }

    [Fact]
    public void DropKindOf_ConntrackInvalidState_ComesFromStateAndCtstateMatches()
    {
        static IptablesRule Rule(string spec) => IptablesSaveParser.Parse(Fuzzing.TestText.Stream($"*filter\n-A X {spec} -j DROP\n")).Value.Tables[0].Chains[0].Rules[0];

        Assert.Equal(NeutronDropKinds.ConntrackInvalid, Rule("-m state --state INVALID").DropKind);
        Assert.Equal(NeutronDropKinds.ConntrackInvalid, Rule("-m conntrack --ctstate NEW,INVALID").DropKind);
        Assert.Null(Rule("-m conntrack ! --ctstate INVALID").DropKind);
        Assert.Null(Rule("-m state --state INVALIDATED").DropKind);
    }
}
