using Grpc.Core;
using Platform.Catalog.V1;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Grpc;

/// <summary>
/// The catalog's resource-based checks, in one place: certified datasets are public; a provider registers, changes and
/// reads the drafts of its own organisation only (the <c>organisation</c> claim against the dataset's
/// <c>provider.organisation</c>); certifiers, readers and administrators see every dataset.
/// </summary>
internal static class DatasetAccess
{
    public static bool SeesEveryDataset(Caller caller) => caller.Has(Rights.Certifier) || caller.Has(Rights.Reader);

    public static bool CanRead(Caller caller, Dataset dataset) =>
        dataset.Status == CertificationStatus.Certified || SeesEveryDataset(caller) || Owns(caller, dataset.Provider?.Organisation);

    /// <summary>A dataset the caller may not see is NOT_FOUND to it, exactly as an unknown id, so no draft's existence leaks.</summary>
    public static Dataset Readable(Caller caller, Dataset? dataset, string id) =>
        dataset is not null && CanRead(caller, dataset) ? dataset : throw GrpcErrors.NotFound("Dataset", id);

    /// <summary>The caller is a provider of <paramref name="organisation"/> (or an administrator).</summary>
    public static void RequireOwn(Caller caller, string? organisation)
    {
        if (caller.IsAdmin || Owns(caller, organisation))
        {
            return;
        }

        throw caller.Organisation is { Length: > 0 } own
            ? caller.Denied(Rights.Provider, $"for organisation '{organisation?.Trim()}' (its token is for '{own}')")
            : caller.Denied(Rights.Provider, $"for organisation '{organisation?.Trim()}' (its token names no organisation)");
    }

    /// <summary>
    /// A list or search by a caller who does not see every dataset covers what it may read: no status filter means
    /// CERTIFIED; a provider asking for other statuses (its drafts) gets the datasets of its own organisation only, the
    /// organisation returned; anyone else asking for them needs the certifier's right.
    /// </summary>
    /// <returns>The organisation the list is limited to, or null when it is not limited to one.</returns>
    public static string? LimitToReadable(Caller caller, DatasetFilter filter)
    {
        if (SeesEveryDataset(caller))
        {
            return null;
        }

        if (filter.Statuses.Count == 0)
        {
            filter.Statuses.Add(CertificationStatus.Certified);
        }

        if (filter.Statuses.All(s => s == CertificationStatus.Certified))
        {
            return null;
        }

        return caller.Has(Rights.Provider) && caller.Organisation is { Length: > 0 } own
            ? own
            : throw caller.Denied(Rights.Certifier, "to list datasets that are not certified (a provider lists its own)");
    }

    private static bool Owns(Caller caller, string? organisation) =>
        caller.Has(Rights.Provider) && caller.Organisation is { Length: > 0 } own && organisation is not null
        && string.Equals(own, organisation.Trim(), StringComparison.Ordinal);
}
