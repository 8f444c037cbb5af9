package org.postiljon.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
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
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.SearchIndex;

/**
 * The search index of the embedded store: Lucene, one document per message content, whose terms
 * are the content's character trigrams after case folding. A substring search needs all trigrams
 * of the searched string, so every message that contains it is a candidate (and a few that merely
 * contain the same trigrams elsewhere, which confirming removes). Case folding maps each code
 * point to lower(upper(c)), which is equal for any two characters the matching rule of
 * {@code SearchQuery} calls equal, so folding never loses a match.
 */
public final class LuceneSearchIndex implements SearchIndex {

    private static final String BLOB = "blob";
    private static final String GRAM = "g";
    /** Enough trigrams to make a query selective; more only slow it down. */
    private static final int MAX_QUERY_GRAMS = 48;

    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;

    private LuceneSearchIndex(Path dir) throws IOException {
        directory = FSDirectory.open(dir);
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer()); // unused: every field is indexed as given
        config.setRAMBufferSizeMB(32);
        config.setCommitOnClose(true);
        writer = new IndexWriter(directory, config);
        searchers = new SearcherManager(writer, null);
    }

    public static LuceneSearchIndex open(Path dir) throws IOException {
        return new LuceneSearchIndex(dir);
    }

    /** The folded trigrams of {@code text} (code points), each once. */
    static Set<String> grams(String text) {
        int[] cps = text.codePoints().map(c -> Character.toLowerCase(Character.toUpperCase(c))).toArray();
        Set<String> out = new HashSet<>();
        for (int i = 0; i + 3 <= cps.length; i++) out.add(new String(cps, i, 3));
        return out;
    }

    @Override
    public void put(BlobId blob, String text) throws IOException {
        Document d = new Document();
        d.add(new StringField(BLOB, blob.sha256(), Field.Store.NO));
        d.add(new SortedDocValuesField(BLOB, new BytesRef(blob.sha256())));
        for (String g : grams(text)) d.add(new StringField(GRAM, g, Field.Store.NO));
        writer.updateDocument(new Term(BLOB, blob.sha256()), d);
    }

    @Override
    public void remove(BlobId blob) throws IOException {
        writer.deleteDocuments(new Term(BLOB, blob.sha256()));
    }

    @Override
    public void commit() throws IOException {
        writer.commit();
        searchers.maybeRefreshBlocking();
    }

    @Override
    public void clear() throws IOException {
        writer.deleteAll();
        commit();
    }

    @Override
    public Set<String> candidates(String text) throws IOException {
        Set<String> grams = new TreeSet<>(grams(text));
        if (grams.isEmpty()) return null;
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        int n = 0;
        for (String g : grams) {
            if (n++ == MAX_QUERY_GRAMS) break;
            q.add(new TermQuery(new Term(GRAM, g)), BooleanClause.Occur.FILTER);
        }
        IndexSearcher searcher = searchers.acquire();
        try {
            Query query = searcher.rewrite(q.build());
            Weight weight = searcher.createWeight(query, ScoreMode.COMPLETE_NO_SCORES, 1f);
            Set<String> out = new HashSet<>();
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                ScorerSupplier supplier = weight.scorerSupplier(leaf);
                if (supplier == null) continue;
                Scorer scorer = supplier.get(Long.MAX_VALUE);
                SortedDocValues blobs = DocValues.getSorted(leaf.reader(), BLOB);
                Bits live = leaf.reader().getLiveDocs();
                DocIdSetIterator it = scorer.iterator();
                for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                    if (live != null && !live.get(doc)) continue;
                    if (blobs.advanceExact(doc)) out.add(blobs.lookupOrd(blobs.ordValue()).utf8ToString());
                }
            }
            return out;
        } finally {
            searchers.release(searcher);
        }
    }

    @Override
    public long size() throws IOException {
        IndexSearcher searcher = searchers.acquire();
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
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the search index", e);
        }
    }
}
