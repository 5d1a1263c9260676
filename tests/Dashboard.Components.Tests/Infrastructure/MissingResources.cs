using System.Collections.Concurrent;

namespace Dashboard.Components.Tests.Infrastructure;

/// <summary>Every resource key a component asked for that neither language has: the component would show the key itself.</summary>
public sealed class MissingResources
{
    public ConcurrentBag<string> Keys { get; } = [];
}
