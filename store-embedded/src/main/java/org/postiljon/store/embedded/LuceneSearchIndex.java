package org.postiljon.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.FixedBitSet;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.SearchFolding;
import org.postiljon.store.spi.SearchIndex;

/**
 * The search index of the embedded store: Lucene, one document per message content, whose terms
 * are its case-folded character trigrams at their positions ({@link SearchFolding}). A substring is
 * found by a phrase of trigrams that tile it, which matches exactly the contents whose folded text
 * contains the folded string.
 */
public final class LuceneSearchIndex implements SearchIndex {

    private static final String BLOB = "blob";
    /** Steps forward in the terms dictionary cheaper than a seek, which decompresses its block anew (blocks hold 64 terms). */
    private static final int NEXT_RATHER_THAN_SEEK = 64;
    private static final String GRAMS = "g";

    /** The Lucene field of each indexed text: "g" for the search text (as before), "g.from"... for the rest. */
    private static String name(Field f) {
        return f == Field.TEXT ? GRAMS : GRAMS + "." + f.name().toLowerCase(java.util.Locale.ROOT);
    }
    private static final String AMBIGUOUS = "amb";
    private static final FieldType POSITIONS = new FieldType();

    static {
        POSITIONS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
        POSITIONS.setTokenized(true);
        POSITIONS.setOmitNorms(true);
        POSITIONS.freeze();
    }

    private final Path path;
    private final java.util.concurrent.locks.ReentrantLock reopening = new java.util.concurrent.locks.ReentrantLock();
    private volatile FSDirectory directory;
    private volatile IndexWriter writer;
    private volatile SearcherManager searchers;

    private LuceneSearchIndex(Path dir) throws IOException {
        path = dir;
        open();
    }

    private void open() throws IOException {
        directory = FSDirectory.open(path);
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer()); // unused: fields bring their own tokens
        config.setRAMBufferSizeMB(64);
        config.setCommitOnClose(true);
        writer = new IndexWriter(directory, config);
        searchers = new SearcherManager(writer, null);
    }

    /**
     * After an I/O error (a full disk, too many open files) Lucene closes its writer for good and
     * every later call fails. This opens it again on what was last committed; what was put since
     * is lost, and stays pending in the store, which puts it again. Nothing when the writer is fine.
     */
    @Override
    public void recover() throws IOException {
        reopening.lock();
        try {
            if (writer.isOpen() && writer.getTragicException() == null) return;
            try {
                searchers.close();
            } catch (IOException | RuntimeException ignored) {
                // already broken: it goes anyway
            }
            try {
                writer.rollback(); // releases the write lock of a writer Lucene has not closed yet
            } catch (IOException | RuntimeException ignored) {
                // closed by the tragedy already
            }
            try {
                directory.close();
            } catch (IOException | RuntimeException ignored) {
                // nothing left to keep
            }
            open();
        } finally {
            reopening.unlock();
        }
    }

    /** Lucene's "already closed" after an I/O error, as the I/O error callers handle (they scan, or retry later). */
    private static IOException closed(org.apache.lucene.store.AlreadyClosedException e) {
        return new IOException("the search index is closed after an I/O error: " + e.getMessage(), e);
    }

    public static LuceneSearchIndex open(Path dir) throws IOException {
        return new LuceneSearchIndex(dir);
    }

    static int[] folded(String text) {
        return SearchFolding.foldedCodePoints(text);
    }

    /** The trigram at every position of the folded text, as one token each. */
    private static final class Trigrams extends TokenStream {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final int[] cps;
        private int at;

        Trigrams(int[] cps) {
            this.cps = cps;
        }

        @Override
        public boolean incrementToken() {
            if (at + 3 > cps.length) return false;
            clearAttributes();
            term.setEmpty().append(new String(cps, at++, 3));
            return true;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            at = 0;
        }
    }

    @Override
    public void put(BlobId blob, java.util.Map<Field, String> texts) throws IOException {
        Document d = new Document();
        d.add(new StringField(BLOB, blob.sha256(), org.apache.lucene.document.Field.Store.NO));
        d.add(new SortedDocValuesField(BLOB, new BytesRef(blob.sha256())));
        boolean ambiguous = false;
        for (var e : texts.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) continue;
            d.add(new org.apache.lucene.document.Field(name(e.getKey()), new Trigrams(folded(e.getValue())), POSITIONS));
            ambiguous |= SearchFolding.ambiguous(e.getValue());
        }
        d.add(new NumericDocValuesField(AMBIGUOUS, ambiguous ? 1 : 0));
        try {
            writer.updateDocument(new Term(BLOB, blob.sha256()), d);
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            throw closed(e);
        }
    }

    @Override
    public void remove(BlobId blob) throws IOException {
        try {
            writer.deleteDocuments(new Term(BLOB, blob.sha256()));
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            throw closed(e);
        }
    }

    @Override
    public void commit() throws IOException {
        try {
            writer.commit();
            searchers.maybeRefreshBlocking();
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            throw closed(e);
        }
    }

    /** Trigrams at positions 0, 3, 6... and the last: they tile the string, so the phrase is exact. */
    static Query phrase(String field, int[] cps) {
        if (cps.length == 3) return new TermQuery(new Term(field, new String(cps, 0, 3)));
        PhraseQuery.Builder b = new PhraseQuery.Builder();
        int last = cps.length - 3;
        for (int p = 0; p < last; p += 3) b.add(new Term(field, new String(cps, p, 3)), p);
        b.add(new Term(field, new String(cps, last, 3)), last);
        return b.build();
    }

    @Override
    public Hits candidates(Field field, String text) throws IOException {
        int[] cps = folded(text);
        if (cps.length < 3) return null;
        boolean ascii = SearchFolding.certainFor(text);
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            throw closed(e);
        }
        try {
            Weight weight = searcher.createWeight(searcher.rewrite(phrase(name(field), cps)), ScoreMode.COMPLETE_NO_SCORES, 1f);
            Set<String> all = new HashSet<>();
            Set<String> sure = new HashSet<>();
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                ScorerSupplier supplier = weight.scorerSupplier(leaf);
                if (supplier == null) continue;
                Scorer scorer = supplier.get(Long.MAX_VALUE);
                SortedDocValues blobs = DocValues.getSorted(leaf.reader(), BLOB);
                NumericDocValues amb = DocValues.getNumeric(leaf.reader(), AMBIGUOUS);
                Bits live = leaf.reader().getLiveDocs();
                // The hits' content ids as ords first, then named in ord order: the terms dictionary is
                // compressed in blocks, so naming them in document order decompressed a block per hit
                // (80 % of a frequent word's search at 100,000 messages).
                int count = blobs.getValueCount();
                FixedBitSet hit = new FixedBitSet(Math.max(1, count));
                FixedBitSet certain = new FixedBitSet(Math.max(1, count));
                DocIdSetIterator it = scorer.iterator();
                for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    if (!blobs.advanceExact(doc)) continue;
                    int ord = blobs.ordValue();
                    hit.set(ord);
                    if (ascii && !(amb.advanceExact(doc) && amb.longValue() == 1)) certain.set(ord);
                }
                TermsEnum terms = blobs.termsEnum();
                long at = -1;
                for (int ord = hit.nextSetBit(0); ord != DocIdSetIterator.NO_MORE_DOCS; ord = ord + 1 < count ? hit.nextSetBit(ord + 1) : DocIdSetIterator.NO_MORE_DOCS) {
                    if (at >= 0 && ord > at && ord - at <= NEXT_RATHER_THAN_SEEK) {
                        while (at < ord) { terms.next(); at++; } // within the block already decompressed, mostly
                    } else {
                        terms.seekExact(ord);
                        at = ord;
                    }
                    String id = terms.term().utf8ToString();
                    all.add(id);
                    if (certain.get(ord)) sure.add(id);
                }
            }
            return new Hits(all, sure);
        } finally {
            searchers.release(searcher);
        }
    }

    @Override
    public long size() throws IOException {
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            throw closed(e);
        }
        try {
            return searcher.getIndexReader().numDocs();
        } finally {
            searchers.release(searcher);
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            if (writer.isOpen()) writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the search index", e);
        } catch (org.apache.lucene.store.AlreadyClosedException e) {
            // closed by an earlier I/O error: nothing left to close
        }
    }
}
