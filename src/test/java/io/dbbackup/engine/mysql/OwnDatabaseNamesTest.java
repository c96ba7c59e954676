package io.dbbackup.engine.mysql;

import io.dbbackup.core.Log;
import io.dbbackup.spi.RestoreOptions;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OwnDatabaseNamesTest {
    private static List<String> refs(String code) {
        return OwnDatabaseNames.references(code, "shop", false);
    }

    @Test
    void theNameBareOrQuotedFollowedByADotCounts() {
        assertThat(refs("INSERT INTO shop.audit VALUES (NEW.id)")).containsExactly("shop.audit");
        assertThat(refs("UPDATE `shop`.`t` SET a = 1")).containsExactly("`shop`.`t`");
        assertThat(refs("UPDATE `shop`.t SET a = 1")).containsExactly("`shop`.t");
        assertThat(refs("DELETE FROM shop . audit")).as("spaces around the dot, as the server allows").containsExactly("shop.audit");
        assertThat(refs("DELETE FROM shop\n.audit")).containsExactly("shop.audit");
        assertThat(refs("SELECT \"shop\".t.id FROM x")).as("ANSI_QUOTES code").containsExactly("\"shop\".t");
        assertThat(refs("CALL shop.archive(); SET @n = shop.f()")).containsExactly("shop.archive", "shop.f");
        assertThat(refs("INSERT INTO shop.a SELECT * FROM shop.a")).as("each once").containsExactly("shop.a");
        assertThat(refs("(shop.a)+shop.b;shop.c")).containsExactly("shop.a", "shop.b", "shop.c");
        assertThat(refs("PREPARE s FROM 'DELETE FROM shop.t'")).as("dynamic SQL in a string").containsExactly("shop.t");
        assertThat(refs("SET x = 'it`s'; INSERT INTO shop.t VALUES (1)")).as("an unclosed quote hides nothing")
                .containsExactly("shop.t");
    }

    @Test
    void anotherDatabaseWithASimilarNameDoesNotCount() {
        assertThat(refs("INSERT INTO shop2.audit SELECT * FROM myshop.x JOIN `shop2`.y JOIN `myshop`.z")).isEmpty();
        assertThat(refs("INSERT INTO my_shop.a, shop_old.b, `shop `.c, $shop.d, shop$.e")).isEmpty();
        assertThat(refs("SELECT other.shop.id FROM other.shop")).as("a table of another database named shop").isEmpty();
        assertThat(refs("SELECT `other`.`shop`.`id`")).isEmpty();
        assertThat(refs("INSERT INTO audit VALUES ('shop'); SET @shop = 1; SELECT shop FROM t")).as("no dot after it").isEmpty();
        assertThat(refs("INSERT INTO shopping.t VALUES (1)")).isEmpty();
        assertThat(refs(null)).isEmpty();
    }

    @Test
    void caseCountsAsTheServerCountsIt() {
        assertThat(OwnDatabaseNames.references("INSERT INTO SHOP.a, `Shop`.b", "shop", false)).isEmpty();
        assertThat(OwnDatabaseNames.references("INSERT INTO SHOP.a, `Shop`.b", "shop", true)).containsExactly("SHOP.a", "`Shop`.b");
    }

    @Test
    void aNameWithQuotesOrAnOddCharacterIsFoundQuoted() {
        assertThat(OwnDatabaseNames.references("INSERT INTO `a``b`.t", "a`b", false)).containsExactly("`a``b`.t");
        assertThat(OwnDatabaseNames.references("INSERT INTO `shop-2`.t, shop.t", "shop-2", false)).containsExactly("`shop-2`.t");
        assertThat(OwnDatabaseNames.references("INSERT INTO `shop-2`.t", "shop", false)).isEmpty();
    }

    @Test
    void anEntryNamesTheObjectAndWhatItPointsAt() {
        assertThat(OwnDatabaseNames.entry("trigger", "orders_ai", "orders", List.of("shop.audit", "`shop`.log")))
                .isEqualTo("trigger `orders_ai` on `orders` (shop.audit `shop`.log)");
        assertThat(OwnDatabaseNames.entry("procedure", "archive", null, List.of("shop.audit")))
                .isEqualTo("procedure `archive` (shop.audit)");
        assertThat(OwnDatabaseNames.entry("event", "a`b", null, List.of("shop.t"))).isEqualTo("event `a``b` (shop.t)");
    }

    @Test
    void aCommaOrOnInANameOrReferenceKeepsEachEntryWhole() {
        String odd = OwnDatabaseNames.entry("trigger", "ai, on x", "a,b on c", List.of("`shop`.`x,y`", "shop.z"));
        String quote = OwnDatabaseNames.entry("trigger", "q`,", "o\"n, t", List.of("\"shop\".\"p,q\""));
        String plain = OwnDatabaseNames.entry("procedure", "p", null, List.of("shop.t"));
        String fact = OwnDatabaseNames.fact(List.of(odd, quote, plain));

        assertThat(OwnDatabaseNames.entries(fact)).containsExactly(odd, quote, plain);
        assertThat(odd).isEqualTo("trigger `ai, on x` on `a,b on c` (`shop`.`x,y` shop.z)");

        Map<String, String> facts = Map.of("databases", "shop", OwnDatabaseNames.FACT, fact);
        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("a,b on c"), List.of(), false)))
                .as("--table of the table whose name has a comma and ' on '")
                .contains("objects=" + odd + "\n").doesNotContain("q`");
        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("shop.o\"n, t"), List.of(), false)))
                .contains("objects=" + quote + "\n").doesNotContain("ai, on x");
        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("c"), List.of(), false)))
                .as("not a table of that name's tail").isEmpty();
        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("a"), List.of(), false))).isEmpty();
        assertThat(warned(facts, "scratch", false)).contains("objects=" + odd + ", " + quote + ", " + plain + "\n");
    }

    private static String warned(Map<String, String> facts, String target, boolean dataOnly) {
        return warned(facts, target, new RestoreOptions(false, false, List.of(), List.of(), dataOnly));
    }

    private static String warned(Map<String, String> facts, String target, RestoreOptions options) {
        StringWriter text = new StringWriter();
        OwnDatabaseNames.warn(facts, target, options, new Log(new PrintWriter(text, true), Log.Format.TEXT, Log.Level.DEBUG,
                Clock.systemUTC()));
        return text.toString();
    }

    @Test
    void onlyARestoreUnderAnotherNameOfABackupThatListsThemWarns() {
        Map<String, String> facts = Map.of("databases", "shop", OwnDatabaseNames.FACT,
                "trigger `orders_ai` on `orders` (shop.audit),event `purge` (`shop`.log)");

        String w = warned(facts, "shop_restore", false);
        assertThat(w.lines().count()).isEqualTo(1);
        assertThat(w).contains("WARN").contains("name the source database `shop` in their code")
                .contains("in `shop_restore` they still read and write `shop`")
                .contains("objects=trigger `orders_ai` on `orders` (shop.audit), event `purge` (`shop`.log)");

        String synced = warned(facts, "shop_copy", new RestoreOptions(false, true));
        assertThat(synced.lines().count()).isEqualTo(1);
        assertThat(synced).as("a sync, shown its dump's facts").contains("synced under another name than the source")
                .contains("in `shop_copy` they still read and write `shop`");
        assertThat(warned(facts, "shop", new RestoreOptions(false, true))).as("a sync under its own name, elsewhere").isEmpty();
        assertThat(warned(facts, "shop", false)).as("its own name").isEmpty();
        assertThat(warned(facts, "shop_restore", true)).as("rows only: no object is created").isEmpty();
        assertThat(warned(facts, null, false)).as("a target of several databases").isEmpty();
        assertThat(warned(Map.of("databases", "shop"), "shop_restore", false)).as("a backup made before").isEmpty();
        assertThat(warned(Map.of(), "shop_restore", false)).as("no manifest").isEmpty();
    }

    @Test
    void aRestoreOfSomeTablesNamesOnlyTheirTriggers() {
        Map<String, String> facts = Map.of("databases", "shop", OwnDatabaseNames.FACT,
                "trigger `orders_ai` on `orders` (shop.audit),trigger `c_ai` on `customers` (shop.log),procedure `archive` (shop.audit)");

        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("orders"), List.of(), false)))
                .contains("objects=trigger `orders_ai` on `orders` (shop.audit)").doesNotContain("c_ai").doesNotContain("archive");
        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("shop.customers"), List.of(), false)))
                .contains("objects=trigger `c_ai` on `customers` (shop.log)").doesNotContain("orders_ai");
        assertThat(warned(facts, "scratch", new RestoreOptions(false, false, List.of("audit"), List.of(), false))).isEmpty();
    }
}
