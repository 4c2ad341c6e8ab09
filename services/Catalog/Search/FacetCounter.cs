using Platform.Catalog.Data;

namespace Platform.Catalog.Search;

/// <summary>Counts per facet value; enum values are kept as numbers, as the SQL path returns them.</summary>
internal sealed class FacetCounter
{
    private readonly long[] _domain = new long[64], _modality = new long[64], _licence = new long[64], _status = new long[64];
    private readonly long[] _base = new long[IndexEntry.Slots.Bases.Length], _province = new long[IndexEntry.Slots.Provinces.Length];

    public void Add(IndexEntry e)
    {
        _domain[e.Domain & 63]++;
        _modality[e.Modality & 63]++;
        _licence[e.Licence & 63]++;
        _status[e.Status & 63]++;
        _base[e.BaseSlot]++;
        _province[e.ProvinceSlot]++;
    }

    public IReadOnlyList<FacetRow> Rows()
    {
        var rows = new List<FacetRow>();
        Numbers("domain", _domain);
        Numbers("modality", _modality);
        rows.AddRange(_base.Select((count, slot) => new FacetRow("annotation_base", IndexEntry.Slots.Bases[slot], count)).Where(r => r.Count > 0));
        Numbers("licence", _licence);
        rows.AddRange(_province.Select((count, slot) => new FacetRow("province", IndexEntry.Slots.Provinces[slot], count)).Where(r => r.Count > 0));
        Numbers("status", _status);
        return rows;

        void Numbers(string field, long[] counts)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] > 0)
                {
                    rows.Add(new FacetRow(field, i.ToString(System.Globalization.CultureInfo.InvariantCulture), counts[i]));
                }
            }
        }
    }
}
