using System.Text;

namespace Dashboard.Core.Ipvs;

/// <summary>Small integer ids for names read as UTF-8 spans (states, protocols, host names); the string is built once per name.</summary>
internal sealed class Utf8NameTable
{
    private readonly Dictionary<byte[], int> _ids = new(Utf8BytesComparer.Instance);
    private readonly Dictionary<byte[], int>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly List<string> _names = [];
    private readonly int _firstId;

    public Utf8NameTable(int firstId, IEnumerable<string>? knownNames = null)
    {
        _firstId = firstId;
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var name in knownNames ?? [])
        {
            Add(Encoding.UTF8.GetBytes(name));
        }

        KnownCount = _names.Count;
    }

    /// <summary>Names given at construction; ids below <see cref="FirstUnknownId"/> are known names.</summary>
    public int KnownCount { get; }

    public int FirstUnknownId => _firstId + KnownCount;

    public int Count => _names.Count;

    public bool TryFind(ReadOnlySpan<byte> name, out int id) => _lookup.TryGetValue(name, out id);

    public int Add(ReadOnlySpan<byte> name)
    {
        var id = _firstId + _names.Count;
        _lookup[name] = id;
        _names.Add(Encoding.UTF8.GetString(name));
        return id;
    }

    public string NameOf(int id) => _names[id - _firstId];
}
