namespace Dashboard.Benchmarks;

/// <summary>Writes a realistic synthetic capture of one source format, for benchmarks and side-by-side runs.</summary>
public interface IInputGenerator
{
    /// <summary>The parse format name it produces (ipvsadm-conn, iptables-save, …).</summary>
    string Name { get; }

    void Write(TextWriter output, int lines, int seed);
}
