package io.dbbackup.codec.age;

import com.exceptionfactory.jagged.RecipientStanza;

import java.util.List;

/** One recipient stanza of an age header: {@code -> type args...} and its body. */
record Stanza(String type, List<String> args, byte[] body) implements RecipientStanza {
    Stanza {
        args = List.copyOf(args);
        body = body.clone();
    }

    @Override
    public String getType() {
        return type;
    }

    @Override
    public List<String> getArguments() {
        return args;
    }

    @Override
    public byte[] getBody() {
        return body.clone();
    }
}
