using Platform.Catalog.Model;
using Platform.Catalog.V1;
using Platform.Infrastructure.Grpc;

namespace Platform.Catalog.Validation;

/// <summary>A RecordEvaluationRequest checked field by field, its text trimmed; the uplift computed once it is valid.</summary>
internal sealed record ValidEvaluation(
    Guid DatasetId, string Model, string Task, EvaluationMetric Metric, double ScoreWithout, double ScoreWith, int UpliftBp,
    string TestSet, string Evaluator, DateTimeOffset EvaluatedAt, string MethodNote);

internal static class EvaluationValidation
{
    public static ValidEvaluation Validate(RecordEvaluationRequest request, DateTimeOffset now)
    {
        var violations = new FieldViolations();
        violations.RequestIdOf(request.RequestId, required: false);
        var datasetId = DatasetValidation.Id(request.DatasetId, "dataset_id", violations);
        var model = Text(request.Model, "model", DatasetValidation.MaxNameLength, required: true, violations);
        var task = Text(request.Task, "task", DatasetValidation.MaxNameLength, required: true, violations);
        var testSet = Text(request.TestSet, "test_set", DatasetValidation.MaxNameLength, required: true, violations);
        var evaluator = Text(request.Evaluator, "evaluator", DatasetValidation.MaxOrganisationLength, required: true, violations);
        var note = Text(request.MethodNote, "method_note", DatasetValidation.MaxTextLength, required: false, violations);
        var range = Evaluations.RangeOf(request.Metric);
        if (range is null)
        {
            violations.Add("metric", request.Metric == EvaluationMetric.Unspecified ? Fields.Required : "is not a known metric");
        }
        else
        {
            var (min, max, _) = range.Value;
            Score(request.ScoreWithout, "score_without", min, max, violations);
            Score(request.ScoreWith, "score_with", min, max, violations);
            violations.Require(!(request.ScoreWithout <= 0), "score_without", "must be above 0 (the uplift is relative to it)");
        }

        DateTimeOffset? evaluatedAt = null;
        if (request.EvaluatedAt is null)
        {
            violations.Add("evaluated_at", Fields.Required);
        }
        else if (!Fields.IsValidTimestamp(request.EvaluatedAt))
        {
            violations.Add("evaluated_at", "is not a valid timestamp");
        }
        else
        {
            evaluatedAt = request.EvaluatedAt.ToDateTimeOffset();
            violations.Require(evaluatedAt <= now, "evaluated_at", "must not be in the future");
        }

        violations.ThrowIfAny();
        var uplift = Evaluations.UpliftBp(request.Metric, request.ScoreWithout, request.ScoreWith);
        violations.Require(Math.Abs(uplift) <= Evaluations.MaxUpliftBp, "score_without",
            $"is too close to 0 for a relative uplift (it would be {uplift / 100m:N0} %, beyond ±100,000 %)").ThrowIfAny();
        return new(datasetId, model, task, request.Metric, request.ScoreWithout, request.ScoreWith, (int)uplift, testSet, evaluator, evaluatedAt!.Value, note);
    }

    private static void Score(double score, string field, double min, double max, FieldViolations violations) =>
        violations.Require(double.IsFinite(score) && score >= min && score <= max, field, $"must be between {min} and {max} for this metric");

    private static string Text(string value, string field, int maxLength, bool required, FieldViolations violations)
    {
        var text = value.Trim();
        violations.Require(!required || text.Length > 0, field, Fields.Required)
            .Require(text.Length <= maxLength, field, $"must be at most {maxLength} characters");
        return text;
    }
}
