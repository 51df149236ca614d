/**
 * Labelled text examples and their loaders: the public intent data sets (CLINC150 {@link io.trustfl.data.Clinc150},
 * SNIPS {@link io.trustfl.data.Snips}), users' own JSONL/CSV files ({@link io.trustfl.data.TextDataLoader}), where
 * data lives on disk ({@link io.trustfl.data.DataDirectory}) and the verified download of the canonical files
 * ({@link io.trustfl.data.DatasetDownloader}). Values are immutable; nothing here encodes, trains or touches privacy
 * budget, and nothing reaches the network unless {@link io.trustfl.data.DatasetDownloader} is called.
 */
package io.trustfl.data;
