using System.Buffers.Binary;
using Platform.Catalog.Data;
using Platform.Catalog.V1;
using Platform.Catalog.Validation;

namespace Platform.Catalog.Search;

/// <summary>What search filters and facets look at of one dataset, at one version.</summary>
internal sealed record IndexEntry(
    UInt128 Key, Guid Id, long Version, short Status, short Domain, short Modality, short AnnotationMethod, short QualityGrade,
    short Licence, short AccessLevel, string Province, string? AnnotationBaseCode, long VolumeBytes, int ZhShareBp, string SearchText)
{
    /// <summary>Province and base as array slots, so counting facets needs no hashing.</summary>
    public int ProvinceSlot { get; } = Slots.Province(Province);

    public int BaseSlot { get; } = Slots.Base(AnnotationBaseCode);

    public static IndexEntry Of(Dataset dataset)
    {
        var id = Guid.Parse(dataset.Id);
        return new(KeyOf(id), id, dataset.Version, (short)dataset.Status, (short)dataset.Domain, (short)dataset.Modality,
            (short)(dataset.Annotation?.Method ?? 0), (short)dataset.QualityGrade, (short)dataset.Licence, (short)dataset.AccessLevel,
            dataset.Provider?.Province ?? "", dataset.Annotation is { BaseCode.Length: > 0 } a ? a.BaseCode : null,
            dataset.VolumeBytes, DatasetValidation.ZhShare(dataset.LanguageShares), DatasetRow.SearchText(dataset));
    }

    /// <summary>The id as PostgreSQL orders uuids: its 16 bytes, big-endian.</summary>
    public static UInt128 KeyOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>The provinces and bases as array slots; slot 0 is "no province" / "no base".</summary>
    internal static class Slots
    {
        public static readonly string[] Provinces = ["", .. Model.ReferenceData.Provinces.Keys.Order(StringComparer.Ordinal)];
        public static readonly string?[] Bases = [null, .. Model.ReferenceData.AnnotationBaseCodes.Order(StringComparer.Ordinal)];
        private static readonly Dictionary<string, int> ProvinceIndex = Provinces.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        private static readonly Dictionary<string, int> BaseIndex = Bases.Skip(1).Select((b, i) => (b!, i + 1)).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

        public static int Province(string province) => ProvinceIndex.GetValueOrDefault(province);

        public static int Base(string? code) => code is null ? 0 : BaseIndex.GetValueOrDefault(code);
    }
}
