using Dashboard.Agent.Hosting;

namespace Dashboard.Agent.Collectors;

/// <summary>Logs "not available on this host" once, and again only after the source has come and gone.</summary>
public sealed class UnavailableNotice
{
    private readonly AgentLog _log;
    private readonly string _collector;
    private bool _reported;

    public UnavailableNotice(AgentLog log, string collector)
    {
        _log = log;
        _collector = collector;
    }

    public CollectResult Report(string why)
    {
        if (!_reported)
        {
            _reported = true;
            _log.Info($"{_collector}: not available on this host ({why}); collecting nothing until it appears");
        }

        return CollectResult.NoData;
    }

    public void Available()
    {
        if (_reported)
        {
            _reported = false;
            _log.Info($"{_collector}: source available again");
        }
    }
}
