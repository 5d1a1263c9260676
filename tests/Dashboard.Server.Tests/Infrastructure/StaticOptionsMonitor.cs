using Microsoft.Extensions.Options;

namespace Dashboard.Server.Tests.Infrastructure;

/// <summary>Fixed options for code that reads IOptionsMonitor.</summary>
public sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
