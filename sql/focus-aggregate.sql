-- Estate's billing aggregation, for FOCUS data that already sits in a
-- warehouse (Athena/Trino, Spark/Databricks, DuckDB, Snowflake, BigQuery):
-- every charge summed per currency, day, charge category, provider, invoice
-- issuer, sub-account, service, region and resource, with the number of rows
-- each line sums. Export the result as CSV or Parquet and give it to Estate
-- as you would the export (`estate spend --billing FILE`, or estate.yaml's
-- `billing:`): its totals — per system, supplier, cost centre, account,
-- service and currency — are exactly those of the raw export.
--
-- `focus` is the FOCUS table or view (FOCUS 1.0–1.2 column names).
-- * Costs are summed as DECIMAL, never as floating point; DECIMAL(38, 16)
--   keeps every digit FOCUS exports write. (BigQuery: BIGNUMERIC(38, 16).)
-- * The day is the charge period's start date as the export writes it
--   (UTC for AWS and Azure exports). With a TIMESTAMP WITH TIME ZONE column,
--   run the query in a UTC session.
-- * Tags must be text: where a table holds them as a MAP (Spark/Databricks),
--   write to_json(Tags) in both places below.
-- * Add x_CostCentre to the SELECT and the GROUP BY if your export has it.
-- * Filter by period here if you like (WHERE ChargePeriodStart >= ...);
--   Estate also applies estate.yaml's period to the days it is given.
SELECT
  BillingCurrency,
  CAST(ChargePeriodStart AS DATE) AS ChargePeriodStart,
  ChargeCategory,
  ProviderName,
  InvoiceIssuerName,
  SubAccountId,
  ServiceName,
  RegionId,
  ResourceId,
  ResourceName,
  Tags,
  SUM(CAST(BilledCost AS DECIMAL(38, 16))) AS BilledCost,
  SUM(CAST(EffectiveCost AS DECIMAL(38, 16))) AS EffectiveCost,
  COUNT(*) AS x_RowCount
FROM focus
GROUP BY
  BillingCurrency,
  CAST(ChargePeriodStart AS DATE),
  ChargeCategory,
  ProviderName,
  InvoiceIssuerName,
  SubAccountId,
  ServiceName,
  RegionId,
  ResourceId,
  ResourceName,
  Tags
