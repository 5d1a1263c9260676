using System.Runtime.InteropServices;

namespace Dashboard.Agent.Hosting;

/// <summary>SIGTERM (systemd stop) and SIGINT (Ctrl+C) become a cancellation instead of ending the process, so the agent can flush.</summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
        ];
    }

    public CancellationToken Token => _stopping.Token;

    private void Handle(PosixSignalContext context)
    {
        // A second signal while stopping ends the process the usual way (Ctrl+C twice).
        context.Cancel = !_stopping.IsCancellationRequested;
        _stopping.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stopping.Dispose();
    }
}
