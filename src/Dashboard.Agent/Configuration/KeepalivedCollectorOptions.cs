namespace Dashboard.Agent.Configuration;

/// <summary>keepalived: the `vrrp_notify_fifo` stream (preferred: pushed on every transition) or a state dump file.</summary>
public sealed class KeepalivedCollectorOptions
{
    public bool Enabled { get; set; }

    public string? NotifyFifo { get; set; }

    /// <summary>keepalived.data as written on SIGUSR1, read every cycle.</summary>
    public string? DataFile { get; set; }
}
