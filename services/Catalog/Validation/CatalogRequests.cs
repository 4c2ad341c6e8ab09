using Platform.Catalog.Data;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Validation;

/// <summary>
/// The catalog's requests checked field by field and turned into what the stores take; each method throws
/// INVALID_ARGUMENT naming every violated field (or, with a <see cref="FieldViolations"/> passed in, adds to it for a
/// batch item named by its prefix).
/// </summary>
internal static class CatalogRequests
{
    /// <summary>A registration's dataset, validated and normalised (text trimmed, codes canonical).</summary>
    public static Dataset Registration(RegisterDatasetRequest request, FieldViolations violations, string prefix = "")
    {
        var content = new Dataset
        {
            Name = request.Name,
            NameEn = request.NameEn,
            DescriptionZh = request.DescriptionZh,
            DescriptionEn = request.DescriptionEn,
            Domain = request.Domain,
            Modality = request.Modality,
            VolumeBytes = request.VolumeBytes,
            RecordCount = request.RecordCount,
            TokenCount = request.TokenCount,
            LanguageShares = { request.LanguageShares.Select(s => s.Clone()) },
            Annotation = request.Annotation?.Clone() ?? new Annotation(),
            QualityGrade = request.QualityGrade,
            Licence = request.Licence,
            AccessLevel = request.AccessLevel,
            Provider = request.Provider?.Clone() ?? new Provider(),
            Keywords = { request.Keywords },
            Edition = request.Edition,
        };
        DatasetValidation.Content(content, violations, prefix);
        if (request.SubmitForCertification)
        {
            const string Why = "must be set when submit_for_certification is true";
            violations.Require(content.Domain != Domain.Unspecified, prefix + "domain", Why);
            violations.Require(content.Modality != Modality.Unspecified, prefix + "modality", Why);
        }

        return content;
    }

    /// <summary>The dataset id and the update mask's paths (each updatable).</summary>
    public static (Guid Id, List<string> Paths) Update(UpdateDatasetRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        violations.Require(request.Dataset is not null, "dataset", Fields.Required);
        var id = request.Dataset is null ? Guid.Empty : DatasetValidation.Id(request.Dataset.Id, "dataset.id", violations);
        var paths = request.UpdateMask?.Paths.ToList() ?? [];
        violations.Require(paths.Count > 0, "update_mask", "must name at least one field");
        foreach (var path in paths.Where(p => !DatasetMask.IsUpdatable(p)))
        {
            violations.Add("update_mask", DatasetMask.NotUpdatable(path));
        }

        violations.Require(request.ExpectedVersion >= 0, "expected_version", "must not be negative").ThrowIfAny();
        return (id, paths);
    }

    public static DatasetStore.Certifying Certifying(CertifyDatasetRequest request, FieldViolations violations, string prefix = "")
    {
        var id = DatasetValidation.Id(request.Id, prefix + "id", violations);
        var dismissed = request.DismissedObjectionIds.Select((o, i) => DatasetValidation.Id(o, $"{prefix}dismissed_objection_ids[{i}]", violations)).ToHashSet();
        return new(new(request.RequestId, request), id, dismissed);
    }

    public static (Guid Id, string Objector, string Reason) Objection(RaiseObjectionRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        var objector = request.Objector.Trim();
        var reason = request.Reason.Trim();
        violations.Require(objector.Length > 0, "objector", Fields.Required)
            .Require(objector.Length <= DatasetValidation.MaxOrganisationLength, "objector", $"must be at most {DatasetValidation.MaxOrganisationLength} characters");
        Reason(reason, "reason", required: true, violations);
        violations.ThrowIfAny();
        return (id, objector, reason);
    }

    public static (Guid Id, string Reason) Rejection(RejectDatasetRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        var reason = request.Reason.Trim();
        Reason(reason, "reason", required: true, violations);
        violations.ThrowIfAny();
        return (id, reason);
    }

    public static Guid Retirement(RetireDatasetRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        Reason(request.Reason, "reason", required: false, violations);
        violations.ThrowIfAny();
        return id;
    }

    /// <summary>The dataset and its sources: at most <see cref="LineageStore.MaxSources"/>, distinct, not itself.</summary>
    public static (Guid Id, Guid[] Sources) Sources(SetDatasetSourcesRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.Id, "id", violations);
        var sources = request.SourceIds.Select((s, i) => DatasetValidation.Id(s, $"source_ids[{i}]", violations)).ToArray();
        violations.Require(sources.Length <= LineageStore.MaxSources, "source_ids", $"at most {LineageStore.MaxSources} sources")
            .Require(sources.Distinct().Count() == sources.Length, "source_ids", "must not name a dataset twice")
            .Require(!sources.Contains(id) || id == Guid.Empty, "source_ids", "must not name the dataset itself")
            .ThrowIfAny();
        return (id, sources);
    }

    /// <summary>A new revision: the dataset, its content (volume, records, tokens, language shares) and the note.</summary>
    public static (Guid Id, Dataset Content, string Note) Revision(CreateDatasetRevisionRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        var content = new Dataset
        {
            VolumeBytes = request.VolumeBytes,
            RecordCount = request.RecordCount,
            TokenCount = request.TokenCount,
            LanguageShares = { request.LanguageShares.Select(s => s.Clone()) },
        };
        DatasetValidation.Measures(content, violations);
        var note = request.Note.Trim();
        Reason(note, "note", required: true, violations);
        violations.Require(request.ExpectedVersion >= 0, "expected_version", "must not be negative").ThrowIfAny();
        return (id, content, note);
    }

    public static (Guid Id, int Revision) RevisionCertifying(CertifyDatasetRevisionRequest request)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var id = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        violations.Require(request.Revision > 0, "revision", "must be a revision number (1 or more)").ThrowIfAny();
        return (id, request.Revision);
    }

    /// <summary>The dataset a single state change names, with its optional request id.</summary>
    public static Guid Target(string requestId, string id)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(requestId, required: false);
        var parsed = DatasetValidation.Id(id, "id", violations);
        violations.ThrowIfAny();
        return parsed;
    }

    public static Guid Id(string id, string field)
    {
        var violations = new FieldViolations();
        var parsed = DatasetValidation.Id(id, field, violations);
        violations.ThrowIfAny();
        return parsed;
    }

    private static void Reason(string text, string field, bool required, FieldViolations violations) =>
        violations.Require(!required || text.Length > 0, field, Fields.Required)
            .Require(text.Length <= DatasetValidation.MaxTextLength, field, $"must be at most {DatasetValidation.MaxTextLength} characters");
}
