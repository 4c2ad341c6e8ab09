using CsCheck;
using Google.Rpc;
using Grpc.Core;
using Platform.Infrastructure.Grpc;

namespace Platform.Infrastructure.UnitTests;

public sealed class FieldsTests
{
    [Fact]
    public void OptionalRequestIdMayBeEmpty()
    {
        var violations = new FieldViolations();

        Assert.Null(violations.RequestIdOf("", required: false));
        Assert.False(violations.Any);
    }

    [Fact]
    public void RequiredRequestIdIsRequired()
    {
        var violations = new FieldViolations();

        Assert.Null(violations.RequestIdOf("", required: true));
        Assert.Equal(("request_id", "is required"), Single(violations));
    }

    [Fact]
    public void RequestIdIsAtMost128Characters()
    {
        var ok = new FieldViolations();
        var tooLong = new FieldViolations();

        Assert.Equal(new string('x', 128), ok.RequestIdOf(new string('x', 128), required: true));
        Assert.Null(tooLong.RequestIdOf(new string('x', 129), required: true, "requests[2].request_id"));
        Assert.False(ok.Any);
        Assert.Equal(("requests[2].request_id", "must be at most 128 characters"), Single(tooLong));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{0191a3f6-2b1c-7d4e-8f00-0123456789ab}")]
    [InlineData("0191a3f62b1c7d4e8f000123456789ab")]
    [InlineData("(0191a3f6-2b1c-7d4e-8f00-0123456789ab)")]
    [InlineData(" 0191a3f6-2b1c-7d4e-8f00-0123456789ab")]
    [InlineData("0191a3f6-2b1c-7d4e-8f00-0123456789ab ")]
    [InlineData("0x0191a3f6,0x2b1c,0x7d4e,{0x8f,0x00,0x01,0x23,0x45,0x67,0x89,0xab}")]
    public void OnlyTheCanonicalUuidFormIsAnId(string value)
    {
        var violations = new FieldViolations();

        Assert.Null(violations.Uuid(value, "id", "trade"));
        Assert.Equal(value.Length == 0 ? "is required" : "must be a trade id (UUID)", Single(violations).Description);
    }

    [Fact]
    public void CanonicalUuidsRoundTrip() =>
        Gen.Guid.Sample(id =>
        {
            var violations = new FieldViolations();
            Assert.Equal(id, violations.Uuid(id.ToString(), "id", "trade"));
            Assert.Equal(id, violations.Uuid(id.ToString().ToUpperInvariant(), "id", "trade"));
            Assert.False(violations.Any);
        }, iter: 2_000);

    [Fact]
    public void EmptyOptionalIdIsNoFilter()
    {
        var violations = new FieldViolations();

        Assert.Null(violations.OptionalUuid("", "dataset_id", "dataset"));
        Assert.False(violations.Any);
    }

    [Fact]
    public void AnyTextIsAnIdOrOneViolationNeverAnException() =>
        Gen.String[0, 60].Sample(value =>
        {
            var violations = new FieldViolations();
            var id = violations.Uuid(value, "id", "listing");
            Assert.Equal(id is null, violations.Any);
            if (id is null)
            {
                var error = Assert.Throws<RpcException>(violations.ThrowIfAny);
                Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            }
        }, iter: 10_000);

    [Fact]
    public void BatchRequestIdsAreRequiredBoundedAndDistinct()
    {
        var violations = new FieldViolations();

        BatchWrites.RequestIds(["a", "", "b", "a", new string('x', Fields.MaxRequestIdLength + 1)], violations);

        Assert.Equal(
            ["requests[1].request_id", "requests[3].request_id", "requests[4].request_id"],
            Violations(violations).Select(v => v.Field));
    }

    private static (string Field, string Description) Single(FieldViolations violations)
    {
        var violation = Assert.Single(Violations(violations));
        return (violation.Field, violation.Description);
    }

    private static IEnumerable<BadRequest.Types.FieldViolation> Violations(FieldViolations violations) =>
        Assert.Throws<RpcException>(violations.ThrowIfAny).GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
}
